package dev.fabrik.client.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler (or by {@link JobContext#snooze}) to run the job again later instead of
 * failing it: the worker sends {@code FAIL {"jid":"...","snooze":30.0,...}} and the server puts the
 * job into the scheduled set for that long, its retry count untouched (docs/snooze.md). Not an
 * error: job listeners hear {@link JobListener#snoozed}, and nothing is logged as a failure.
 */
public final class SnoozeException extends RuntimeException {
  /** The longest snooze the server accepts. */
  public static final Duration MAX = Duration.ofDays(365);

  private final Duration delay;

  /**
   * @param delay more than 0, at most {@link #MAX}; millisecond precision
   * @throws IllegalArgumentException for a delay out of range
   */
  public SnoozeException(Duration delay) {
    super("snooze " + check(delay).toMillis() + "ms", null, false, false);
    this.delay = delay;
  }

  /** How long the job waits before it runs again. */
  public Duration delay() {
    return delay;
  }

  private static Duration check(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.toMillis() <= 0 || delay.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          "a snooze lasts at least 1 ms and at most 365 days: " + delay);
    }
    return delay;
  }
}
