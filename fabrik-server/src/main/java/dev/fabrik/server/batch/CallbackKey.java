package dev.fabrik.server.batch;

/** One callback of one batch: {@code (bid, complete)} or {@code (bid, success)}. */
public record CallbackKey(String bid, Callback which) {}
