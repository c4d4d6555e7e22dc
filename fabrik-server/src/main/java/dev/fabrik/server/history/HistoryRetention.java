package dev.fabrik.server.history;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long each grain of history is kept ({@code [history] minutes = "48h", hours = "30d", days =
 * "400d"}, or {@code --history-retention 48h,30d,400d}). A window reaching further back than a
 * grain is kept is summed from the next coarser one.
 */
public record HistoryRetention(Duration minutes, Duration hours, Duration days) {
  private static final Pattern LENGTH = Pattern.compile("(\\d{1,6})([mhd])");

  public HistoryRetention {
    for (Duration d : new Duration[] {minutes, hours, days}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("history retention must be positive, not " + d);
      }
    }
  }

  /** Minutes for 48 hours, hours for 30 days, days for 400 days. */
  public static HistoryRetention defaults() {
    return new HistoryRetention(Duration.ofHours(48), Duration.ofDays(30), Duration.ofDays(400));
  }

  /** How long buckets of {@code grain} are kept. */
  public Duration of(Grain grain) {
    return switch (grain) {
      case MINUTE -> minutes;
      case HOUR -> hours;
      case DAY -> days;
    };
  }

  /**
   * A length such as {@code 90m}, {@code 48h} or {@code 400d}.
   *
   * @throws IllegalArgumentException with the accepted form
   */
  public static Duration parseLength(String text) {
    Matcher m = LENGTH.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException(
          "a history retention is a positive number of minutes, hours or days such as 48h, 30d or"
              + " 90m, not \""
              + text
              + "\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /**
   * {@code MINUTES,HOURS,DAYS}, e.g. {@code 48h,30d,400d} (the command-line form).
   *
   * @throws IllegalArgumentException with the accepted form
   */
  public static HistoryRetention parse(String text) {
    String[] parts = text == null ? new String[0] : text.split(",", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "history retention is MINUTES,HOURS,DAYS such as 48h,30d,400d, not \"" + text + "\"");
    }
    return new HistoryRetention(
        parseLength(parts[0]), parseLength(parts[1]), parseLength(parts[2]));
  }
}
