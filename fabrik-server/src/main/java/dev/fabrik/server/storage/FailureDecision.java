package dev.fabrik.server.storage;

import java.time.Instant;

/**
 * What becomes of a failed job, decided by the manager from the reservation (retry policy and
 * backoff live there). The store applies it atomically with removing the reservation.
 */
@FunctionalInterface
public interface FailureDecision {

  Outcome decide(Reservation reservation);

  sealed interface Outcome permits Retry, Dead, Discard, Snooze {}

  /** Into the retries set, scored by when it may run again, with the updated payload. */
  record Retry(Instant at, byte[] payload) implements Outcome {}

  /** Into the dead set, scored by when it expires, with the updated payload. */
  record Dead(Instant expiresAt, byte[] payload) implements Outcome {}

  /**
   * Gone ({@code retry: 0}). With {@code fateAt} (a batch or workflow job) the store records the
   * discard in {@code Store.fates()} in the same transaction, so a crash before batches and
   * workflows hear of it cannot pass it off as a success; null for any other job.
   */
  record Discard(Instant fateAt) implements Outcome {
    /** A discard that leaves no fate row. */
    public Discard() {
      this(null);
    }
  }

  /**
   * Not a failure at all: the worker asked to run the job again later (a snooze, docs/snooze.md).
   * Into the scheduled set at {@code until} with {@code payload} (its retry state untouched), and
   * counted neither as processed nor as failed.
   */
  record Snooze(Instant until, byte[] payload) implements Outcome {}
}
