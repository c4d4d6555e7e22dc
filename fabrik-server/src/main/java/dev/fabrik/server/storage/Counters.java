package dev.fabrik.server.storage;

/** Lifetime totals. {@code processed} counts ACKs and failures alike, as Faktory does. */
public record Counters(long processed, long failures) {}
