package dev.fabrik.client.worker;

import java.time.Duration;

/**
 * A job ran past its {@code reserve_for} (or was still running when the shutdown grace period
 * ended); the worker FAILs it with this type so the server retries it, and interrupts the handler.
 */
public final class JobTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobTimeoutException(String message) {
    super(message);
  }

  static JobTimeoutException reserveExpired(Duration reserveFor) {
    return new JobTimeoutException("job exceeded reserve_for of " + reserveFor.toSeconds() + "s");
  }

  static JobTimeoutException shutdown() {
    return new JobTimeoutException("worker shut down before the job finished");
  }
}
