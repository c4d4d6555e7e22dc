package dev.fabrik.server.storage;

import java.time.Instant;

/** One entry of a sorted set: its score, the job's jid and queue, and the stored payload. */
public record SetEntry(SetName set, Instant score, String jid, String queue, byte[] payload) {

  public Key key() {
    return new Key(score, jid);
  }

  /**
   * Identifies an entry within a set, as Faktory's {@code <score>|<jid>} keys do: entries with
   * equal scores are told apart by jid.
   */
  public record Key(Instant score, String jid) {}
}
