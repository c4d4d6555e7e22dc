package dev.fabrik.server.manager;

import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.fate.FateMarks;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.FailureDecision.Outcome;
import dev.fabrik.server.triage.Fingerprint;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Faktory's failure algorithm (spec §6.4) and backoff (§6.5). The first failure adds {@code
 * failure} with {@code retry_count} 0, {@code remaining} = retry and {@code failed_at} = now; each
 * later one increments {@code retry_count}, decrements {@code remaining} and replaces message,
 * errtype and backtrace, keeping {@code failed_at}. Then: retry 0 → gone; {@code retry_count <
 * retry} → retries set at now + backoff; else → dead set until now + dead TTL. So a job with {@code
 * retry: N} runs at most N+1 times, {@code retry: -1} dies at once, and a job revived from the dead
 * set gets exactly one more attempt.
 */
final class RetryPolicy {
  /** Counts beyond this give backoffs of millennia already; the cap keeps the arithmetic finite. */
  private static final long MAX_COUNT_FOR_BACKOFF = 1000;

  private final RandomGenerator random;
  private final Duration deadTtl;

  RetryPolicy(RandomGenerator random, Duration deadTtl) {
    this.random = random;
    this.deadTtl = deadTtl;
  }

  /** {@code retry_count^4 + 15 + R * (retry_count + 1)} seconds, R uniform in [0, 29]. */
  long backoffSeconds(int retryCount) {
    long n = Math.min(Math.max(retryCount, 0), MAX_COUNT_FOR_BACKOFF);
    return n * n * n * n + 15 + random.nextInt(30) * (n + 1);
  }

  /**
   * The decision the store applies atomically with removing the reservation. A payload that cannot
   * be read goes to the dead set as it is, where an operator can see it, rather than being lost.
   */
  FailureDecision decision(FailureReports.Sanitized report, Instant now) {
    return reservation -> {
      try {
        Outcome o = decide(JobCodec.decode(reservation.payload()), report, now);
        // A discarded batch or workflow job leaves a fate row with its deletion (JobFates).
        return o instanceof FailureDecision.Discard && FateMarks.wanted(reservation.options())
            ? new FailureDecision.Discard(now)
            : o;
      } catch (JobFormatException e) {
        return new FailureDecision.Dead(now.plus(deadTtl), reservation.payload());
      }
    };
  }

  Outcome decide(Job job, FailureReports.Sanitized report, Instant now) {
    int retry = job.retry() == null ? JobValidator.DEFAULT_RETRY : job.retry();
    Failure previous = job.failure();
    int retryCount;
    int remaining;
    String failedAt;
    if (previous == null) {
      retryCount = 0;
      remaining = Math.max(retry, 0);
      failedAt = Timestamps.format(now);
    } else {
      retryCount = previous.retryCount() + 1;
      remaining = previous.remaining() > 0 ? previous.remaining() - 1 : previous.remaining();
      failedAt = previous.failedAt() == null ? Timestamps.format(now) : previous.failedAt();
    }
    if (retry == 0) {
      return new FailureDecision.Discard();
    }
    if (retryCount < retry) {
      Instant next = now.plusSeconds(backoffSeconds(retryCount));
      Failure f = failure(retryCount, remaining, failedAt, Timestamps.format(next), report);
      return new FailureDecision.Retry(next, JobCodec.encode(job.withFailure(f)));
    }
    Failure f = failure(retryCount, remaining, failedAt, null, report);
    return new FailureDecision.Dead(now.plus(deadTtl), JobCodec.encode(job.withFailure(f)));
  }

  private static Failure failure(
      int count, int remaining, String failedAt, String nextAt, FailureReports.Sanitized r) {
    // The fingerprint groups this failure with others of the same cause (triage); computed at
    // every FAIL, so a job that now fails differently moves to its new group.
    String fingerprint = Fingerprint.of(r.errtype(), r.message(), r.backtrace()).hash();
    return new Failure(
        count, remaining, failedAt, nextAt, r.message(), r.errtype(), r.backtrace(), fingerprint);
  }
}
