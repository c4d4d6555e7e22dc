package dev.fabrik.server.history;

/**
 * What one node adds to one stored bucket at a flush: the counts of {@code jobtype} in the bucket
 * of {@code grain} starting at {@code start} (epoch second, aligned to the grain).
 */
public record HistoryRow(Grain grain, long start, String jobtype, Tally tally) {}
