package dev.fabrik.protocol;

import java.util.List;

/**
 * The {@code failure} object the server adds to a job on its first failure:
 *
 * <pre>
 * {"retry_count":0,"remaining":25,"failed_at":"...","next_at":"...","message":"boom",
 *  "errtype":"RuntimeError","backtrace":["a.rb:1"]}
 * </pre>
 *
 * {@code failedAt} is the first failure and never changes; {@code nextAt} is null when no retry is
 * scheduled; {@code backtrace} is empty rather than null.
 */
public record Failure(
    int retryCount,
    int remaining,
    String failedAt,
    String nextAt,
    String message,
    String errtype,
    List<String> backtrace) {

  public Failure {
    backtrace = backtrace == null ? List.of() : List.copyOf(backtrace);
  }
}
