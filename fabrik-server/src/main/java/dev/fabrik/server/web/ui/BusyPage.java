package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.BusyReport;
import java.time.Instant;

/** Worker processes and jobs in progress, as of {@code now}. */
public record BusyPage(Chrome chrome, BusyReport busy, Instant now) {}
