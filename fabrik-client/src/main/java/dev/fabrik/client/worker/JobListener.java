package dev.fabrik.client.worker;

import java.time.Duration;

/**
 * Told how each job the worker performs goes: started, then exactly one of succeeded, failed or
 * snoozed; and how long each FETCH took. Metrics ({@code MicrometerJobMetrics}) and logging hang
 * off this. Called on the job's own thread, right around the handler, so it must be quick; an
 * exception it throws is logged and never changes the job's outcome. Register with {@link
 * WorkerManager.Builder#listener}.
 *
 * <p>A job the worker FAILs on its own (its reservation ran out, or a hard stop) is reported as
 * failed with a {@link JobTimeoutException} once its handler has returned.
 */
public interface JobListener {

  /** The handler (and its middleware) is about to run. */
  default void started(JobContext ctx) {}

  /** The handler returned normally; the job is being ACKed. */
  default void succeeded(JobContext ctx, Duration took) {}

  /**
   * The handler threw (or the job ran out of time); the job is being FAILed and {@code fate} says
   * what the server will do with it, from the job's {@code retry} and failure count.
   */
  default void failed(JobContext ctx, Throwable error, Duration took, FailureFate fate) {}

  /** The handler asked for a snooze ({@link SnoozeException}): the job runs again after delay. */
  default void snoozed(JobContext ctx, Duration delay, Duration took) {}

  /**
   * A FETCH came back after {@code took}, with a job ({@code found}) or without one (the server's
   * wait ran out). Not called for a FETCH that failed on a broken connection.
   */
  default void fetched(Duration took, boolean found) {}
}
