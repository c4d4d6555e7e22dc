package dev.fabrik.server.net;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A run of failures of one operation that is retried until it works again (accepting a connection
 * while the process is out of file descriptors, a selector's select): the first failure of a burst
 * is logged, the rest are only counted, and the first success after them logs how long it lasted.
 * Hands out the wait before the next try, doubling from 5 ms to 1 s. One thread at a time calls
 * {@link #failed} and {@link #succeeded}; {@link #problem} may be read from any.
 *
 * <pre>
 * WARN accept failed: java.io.IOException: Too many open files; retrying (logged once per burst)
 * INFO accept works again after 212 failures in 3.4 s
 * </pre>
 */
final class FailureBurst {
  static final long FIRST_WAIT_MILLIS = 5;
  static final long MAX_WAIT_MILLIS = 1000;

  private final String operation;
  private final Logger log;
  private final LongSupplier nanoTime;
  private int failures;
  private long firstNanos;
  private volatile String problem;

  FailureBurst(String operation, Logger log, LongSupplier nanoTime) {
    this.operation = operation;
    this.log = log;
    this.nanoTime = nanoTime;
  }

  /**
   * Counts a failure.
   *
   * @return milliseconds to wait before trying again
   */
  long failed(Throwable error) {
    if (failures == 0) {
      firstNanos = nanoTime.getAsLong();
      problem = operation + " failing: " + error;
      log.warn("{} failed: {}; retrying (logged once per burst)", operation, error.toString());
    }
    failures++;
    return Math.min(MAX_WAIT_MILLIS, FIRST_WAIT_MILLIS << Math.min(failures - 1, 20));
  }

  /** The operation worked; ends a burst if one was running. */
  void succeeded() {
    if (failures == 0) {
      return;
    }
    long millis = (nanoTime.getAsLong() - firstNanos) / 1_000_000;
    log.info("{} works again after {} failures in {} ms", operation, failures, millis);
    failures = 0;
    problem = null;
  }

  /** How long the current burst has lasted, in nanoseconds; 0 when there is none. */
  long failingForNanos() {
    return failures == 0 ? 0 : nanoTime.getAsLong() - firstNanos;
  }

  /** Why the operation fails right now ({@code accept failing: ...}), or null when it works. */
  String problem() {
    return problem;
  }
}
