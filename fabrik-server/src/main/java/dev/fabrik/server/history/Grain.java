package dev.fabrik.server.history;

import java.time.Duration;
import java.time.Instant;

/**
 * The three bucket sizes history is kept at. Every outcome is added to one bucket of each, so a
 * window can be summed from whichever grain is still kept for it; buckets are aligned to UTC.
 */
public enum Grain {
  MINUTE(60),
  HOUR(3_600),
  DAY(86_400);

  private final long seconds;

  Grain(long seconds) {
    this.seconds = seconds;
  }

  /** The bucket length in seconds. */
  public long seconds() {
    return seconds;
  }

  public Duration size() {
    return Duration.ofSeconds(seconds);
  }

  /** The start (epoch second) of the bucket holding {@code epochSecond}. */
  public long floor(long epochSecond) {
    return Math.floorDiv(epochSecond, seconds) * seconds;
  }

  /** The start of the bucket holding {@code t}. */
  public Instant floor(Instant t) {
    return Instant.ofEpochSecond(floor(t.getEpochSecond()));
  }

  /** The stored form: 1, 2, 3 (a small integer column). */
  public int code() {
    return ordinal() + 1;
  }

  public static Grain ofCode(int code) {
    return values()[code - 1];
  }
}
