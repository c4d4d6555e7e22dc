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

  /** Gone ({@code retry: 0}). */
  record Discard() implements Outcome {}

  /**
   * Not a failure at all: the worker asked to run the job again later (a snooze, docs/api.md). Into
   * the scheduled set at {@code until} with {@code payload} (its retry state untouched), and
   * counted neither as processed nor as failed.
   */
  record Snooze(Instant until, byte[] payload) implements Outcome {}
}
