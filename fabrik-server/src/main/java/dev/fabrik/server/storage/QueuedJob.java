package dev.fabrik.server.storage;

/** A job as the store sees it: the jid and queue it is filed under, and its JSON payload. */
public record QueuedJob(String jid, String queue, byte[] payload) {}
