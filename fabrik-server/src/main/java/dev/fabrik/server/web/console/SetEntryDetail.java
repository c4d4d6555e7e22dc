package dev.fabrik.server.web.console;

import dev.fabrik.server.storage.SetName;
import java.time.Instant;

/** A set entry's page: where it sits ({@code set}, {@code key}, {@code score}) and the job. */
public record SetEntryDetail(SetName set, String key, Instant score, JobDetail job) {}
