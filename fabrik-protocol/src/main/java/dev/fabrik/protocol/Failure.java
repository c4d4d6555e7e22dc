package dev.fabrik.protocol;

import java.util.List;

/**
 * The {@code failure} object the server adds to a job on its first failure:
 *
 * <pre>
 * {"retry_count":0,"remaining":25,"failed_at":"...","next_at":"...","message":"boom",
 *  "errtype":"RuntimeError","backtrace":["a.rb:1"],"fingerprint":"k3v9q2m7x1c4"}
 * </pre>
 *
 * {@code failedAt} is the first failure and never changes; {@code nextAt} is null when no retry is
 * scheduled; {@code backtrace} is empty rather than null. {@code fingerprint} is Fabrik's own
 * addition (null when absent): a short hash the server computes at each FAIL so that failures of
 * the same cause can be grouped; other servers and clients ignore it.
 */
public record Failure(
    int retryCount,
    int remaining,
    String failedAt,
    String nextAt,
    String message,
    String errtype,
    List<String> backtrace,
    String fingerprint) {

  public Failure {
    backtrace = backtrace == null ? List.of() : List.copyOf(backtrace);
  }

  /** A failure without a fingerprint (as Faktory writes it). */
  public Failure(
      int retryCount,
      int remaining,
      String failedAt,
      String nextAt,
      String message,
      String errtype,
      List<String> backtrace) {
    this(retryCount, remaining, failedAt, nextAt, message, errtype, backtrace, null);
  }

  /** This failure with another fingerprint. */
  public Failure withFingerprint(String fingerprint) {
    return new Failure(
        retryCount, remaining, failedAt, nextAt, message, errtype, backtrace, fingerprint);
  }
}
