package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import java.time.Instant;

/**
 * Told how each job moves: pushed, handed to a worker, and how each reserved job ended (the metrics
 * count these by job type; tracking records them). Called on the thread of the PUSH, the FETCH, the
 * ACK, the FAIL or the reservation reaper — possibly an event loop or the store's writer thread —
 * so it must be quick, must not block and must not throw. The reservation's payload is the job as
 * it was fetched.
 */
public interface OutcomeListener {

  /**
   * A valid job (defaults filled) is about to be stored by PUSH or PUSHB: called before its store
   * write is submitted, so a write the listener submits to the same store lands first. A listener
   * may refuse the job here with a {@link dev.fabrik.server.CommandException} (batches do, for a
   * batch closed on another node); every listener then hears {@link #notStored}. As for {@link
   * JobMiddleware#beforePush}, a PUSHB job's {@code args} may be raw bytes ({@link
   * dev.fabrik.protocol.JobCodec#tree}).
   */
  default void pushing(Job job) {}

  /**
   * A job announced by {@link #pushing} was not stored after all: its unique lock was held
   * (NOTUNIQUE) or its write failed. Called after the refusal is known, on any thread.
   */
  default void notStored(Job job) {}

  /** A job was reserved and is about to be handed to its worker (before the FETCH reply). */
  default void fetched(Reservation reservation) {}

  /**
   * An ACK for {@code jid} arrived and is about to be written: called before the store's write (the
   * job is done from its worker's point of view), so what the run holds can be handed on without
   * waiting for the commit. {@link #acknowledged} follows once the store has applied it (not at all
   * for a jid that was not reserved). By default nothing.
   *
   * @return true when something was handed on that {@link #ackFailed} must take back should the
   *     write fail (only then does the ACK watch for its failure: a plain ACK costs nothing more)
   */
  default boolean acking(String jid) {
    return false;
  }

  /**
   * The ACK announced by {@link #acking}, which returned true, was not applied: its write failed (a
   * full disk) and the job is still reserved, so what {@code acking} handed on must be taken back.
   * By default nothing.
   */
  default void ackFailed(String jid) {}

  /** ACK of a reserved job. */
  void acknowledged(Reservation reservation);

  /**
   * FAIL of a reserved job, or its reservation expired ({@code expired}); it went to the retries,
   * the dead set or away as the retry policy said.
   */
  void failed(Reservation reservation, boolean expired);

  /**
   * {@link #failed(Reservation, boolean)} with what the store applied ({@code outcome}: a retry, a
   * dead entry or a discard; null if unknown). By default calls the two-argument form.
   */
  default void failed(Reservation reservation, boolean expired, FailureDecision.Outcome outcome) {
    failed(reservation, expired);
  }

  /**
   * A reserved job was snoozed (a FAIL that asks for a snooze, docs/snooze.md): its reservation
   * ended and it waits in the scheduled set until {@code until}, its retry count untouched. It
   * neither succeeded nor failed, so batches and workflows keep waiting for it; whatever a run
   * holds (a concurrency-limit slot) is released here as on ACK or FAIL. By default nothing.
   */
  default void snoozed(Reservation reservation, Instant until) {}
}
