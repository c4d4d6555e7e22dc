package dev.fabrik.client.worker;

import dev.fabrik.protocol.Job;

/**
 * What the server does with a job it is told failed (Faktory's retry rule): a job with {@code
 * retry: N} (25 when absent) is retried until it has failed N times, then dies; {@code retry: 0} is
 * discarded at once and {@code retry: -1} dies at once.
 */
public enum FailureFate {
  /** Back to the retries set, to run again after a backoff. */
  RETRY,
  /** Into the dead set: no more automatic attempts. */
  DEAD,
  /** Dropped ({@code retry: 0}). */
  DISCARD;

  /** Faktory's default {@code retry}. */
  static final int DEFAULT_RETRY = 25;

  /**
   * The fate of {@code job} if it fails now (its earlier failures are in {@code job.failure()}).
   */
  public static FailureFate of(Job job) {
    int retry = job.retry() == null ? DEFAULT_RETRY : job.retry();
    if (retry == 0) {
      return DISCARD;
    }
    int count = job.failure() == null ? 0 : job.failure().retryCount() + 1;
    return count < retry ? RETRY : DEAD;
  }

  /** The job will be attempted again. */
  public boolean willRetry() {
    return this == RETRY;
  }

  /** The job is about to go to the dead set. */
  public boolean willDie() {
    return this == DEAD;
  }
}
