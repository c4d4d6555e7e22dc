package dev.fabrik.server.manager;

import dev.fabrik.server.storage.Reservation;

/**
 * Told how each reserved job ended (the metrics count these by job type). Called on the thread of
 * the ACK, the FAIL or the reservation reaper, after the store committed the outcome; it must be
 * quick, must not block and must not throw. The reservation's payload is the job as it was fetched.
 */
public interface OutcomeListener {

  /** ACK of a reserved job. */
  void acknowledged(Reservation reservation);

  /**
   * FAIL of a reserved job, or its reservation expired ({@code expired}); it went to the retries,
   * the dead set or away as the retry policy said.
   */
  void failed(Reservation reservation, boolean expired);
}
