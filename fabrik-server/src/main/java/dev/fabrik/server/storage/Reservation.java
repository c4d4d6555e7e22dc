package dev.fabrik.server.storage;

import java.time.Instant;

/** A fetched job held for a worker until ACK, FAIL or {@code expiresAt}. */
public record Reservation(
    String jid, String queue, byte[] payload, String wid, Instant reservedAt, Instant expiresAt) {}
