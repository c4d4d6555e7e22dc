package dev.fabrik.server.history;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The windows the dashboard and the API offer, each with the width of one point of its graph: the
 * last hour by minute, the last day by 10 minutes, the last week by hour, the last 90 days by day.
 */
public enum HistoryRange {
  HOUR("1h", Duration.ofHours(1), 60),
  DAY("1d", Duration.ofDays(1), 600),
  WEEK("7d", Duration.ofDays(7), 3_600),
  QUARTER("90d", Duration.ofDays(90), 86_400);

  private final String id;
  private final Duration length;
  private final long stepSeconds;

  HistoryRange(String id, Duration length, long stepSeconds) {
    this.id = id;
    this.length = length;
    this.stepSeconds = stepSeconds;
  }

  /** Its name in URLs: {@code 1h}, {@code 1d}, {@code 7d}, {@code 90d}. */
  public String id() {
    return id;
  }

  public Duration length() {
    return length;
  }

  /** The width of one graph point in seconds. */
  public long stepSeconds() {
    return stepSeconds;
  }

  /** The button label. */
  public String label() {
    return switch (this) {
      case HOUR -> "Last hour";
      case DAY -> "Last day";
      case WEEK -> "Last week";
      case QUARTER -> "Last 90 days";
    };
  }

  /**
   * The range named {@code id}; null or empty gives {@code fallback}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static HistoryRange parse(String id, HistoryRange fallback) {
    if (id == null || id.isEmpty()) {
      return fallback;
    }
    for (HistoryRange r : values()) {
      if (r.id.equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "range must be one of "
            + Arrays.stream(values()).map(HistoryRange::id).collect(Collectors.joining(", "))
            + ", not \""
            + id
            + "\"");
  }
}
