package dev.fabrik.server.batch;

/**
 * How many batches a store holds, for {@code /metrics}: {@code open} take jobs (not committed, or
 * re-opened), {@code committed} wait for members or callbacks, {@code completed} have their
 * complete state at {@code "2"} and wait for their retention to end.
 */
public record BatchCounts(long open, long committed, long completed) {}
