package dev.fabrik.server.unique;

import java.time.Instant;

/** A lock as stored: {@code key} belongs to the job {@code jid} until {@code expiresAt}. */
public record UniqueLock(String key, String jid, Instant expiresAt) {}
