package dev.fabrik.server.tracking;

import java.time.Instant;

/**
 * What the store keeps of one tracked job.
 *
 * @param percent the last percent a worker reported, or null
 * @param desc the last description a worker reported, or null
 * @param updatedAt when the state or the progress last changed
 * @param expiresAt when the record may be purged; null while the job is still to finish
 */
public record TrackRecord(
    String jid,
    TrackState state,
    Integer percent,
    String desc,
    Instant updatedAt,
    Instant expiresAt) {

  /** True once {@code expiresAt} has come: the record reads as unknown and may be purged. */
  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
