package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.SetEntryDetail;
import java.time.Instant;

/** One set entry's job with the actions its set offers. */
public record JobPage(Chrome chrome, SetView view, SetEntryDetail entry, Instant now) {}
