package dev.fabrik.server.storage;

import dev.fabrik.server.OptionKeys;
import java.time.Instant;
import java.util.Objects;

/**
 * A fetched job held for a worker until ACK, FAIL or {@code expiresAt}.
 *
 * <p>A class rather than a record for one reason: the job type and the option keys are read from
 * the payload on first use and kept, so the listeners and hooks of one FETCH or ACK (metrics,
 * history, limits, job options) share one pass instead of each going through the payload again.
 * Equality is a record's: component by component, the payload array by identity.
 */
public final class Reservation {
  // A distinct instance, compared by identity: no payload's job type can be this object.
  private static final String UNREAD = new String("unread");

  private final String jid;
  private final String queue;
  private final byte[] payload;
  private final String wid;
  private final Instant reservedAt;
  private final Instant expiresAt;
  // Benign races: two threads may both read the payload; both store equal values.
  private String jobtype = UNREAD;
  private OptionKeys options;

  public Reservation(
      String jid, String queue, byte[] payload, String wid, Instant reservedAt, Instant expiresAt) {
    this.jid = jid;
    this.queue = queue;
    this.payload = payload;
    this.wid = wid;
    this.reservedAt = reservedAt;
    this.expiresAt = expiresAt;
  }

  public String jid() {
    return jid;
  }

  public String queue() {
    return queue;
  }

  public byte[] payload() {
    return payload;
  }

  public String wid() {
    return wid;
  }

  public Instant reservedAt() {
    return reservedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  /** The payload's top-level {@code jobtype}, or null when it has none (read once, then kept). */
  public String jobtype() {
    String t = jobtype;
    if (t == UNREAD) {
      t = PayloadJobtype.streamed(payload);
      jobtype = t;
    }
    return t;
  }

  /** Which job-option keys the payload holds (scanned once, then kept). */
  public OptionKeys options() {
    OptionKeys o = options; // one read: a racing thread's write may land between two
    return o != null ? o : (options = OptionKeys.of(payload));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Reservation r
        && Objects.equals(jid, r.jid)
        && Objects.equals(queue, r.queue)
        && payload == r.payload
        && Objects.equals(wid, r.wid)
        && Objects.equals(reservedAt, r.reservedAt)
        && Objects.equals(expiresAt, r.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(jid, queue, System.identityHashCode(payload), wid, reservedAt, expiresAt);
  }

  @Override
  public String toString() {
    return "Reservation[jid="
        + jid
        + ", queue="
        + queue
        + ", payload="
        + (payload == null ? "null" : payload.length + " bytes")
        + ", wid="
        + wid
        + ", reservedAt="
        + reservedAt
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
