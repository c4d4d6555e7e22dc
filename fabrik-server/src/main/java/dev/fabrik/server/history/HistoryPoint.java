package dev.fabrik.server.history;

import java.time.Instant;

/** One point of a history graph: the jobs processed and failed in [start, start + step). */
public record HistoryPoint(Instant start, long processed, long failed) {}
