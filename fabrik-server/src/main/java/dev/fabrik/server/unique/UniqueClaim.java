package dev.fabrik.server.unique;

import java.time.Instant;
import java.util.Objects;

/**
 * A unique lock a push wants to take: the job {@code jid} owns {@code key} until {@code expiresAt},
 * unless a live lock on {@code key} exists already (then the job is not stored).
 *
 * @param key the job's identity, see {@link UniqueOption#key}
 */
public record UniqueClaim(String key, String jid, Instant expiresAt) {
  public UniqueClaim {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(jid, "jid");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
