package dev.fabrik.server.cron;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code @every 90s}: ticks at whole multiples of the period since the Unix epoch, so every node
 * and every restart computes the same ticks (what makes a tick a claimable unit).
 */
final class EverySchedule implements Schedule {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|[dhms])");

  private final long periodSeconds;

  EverySchedule(Duration period) {
    if (period.compareTo(MIN_PERIOD) < 0 || period.toNanosPart() != 0) {
      throw new IllegalArgumentException(
          "@every needs a whole number of seconds, at least 1s, not " + period);
    }
    this.periodSeconds = period.toSeconds();
  }

  /** {@code "30s"}, {@code "1h30m"}, {@code "2d"}: Go-style units d, h, m, s. */
  static Duration parsePeriod(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("@every needs a duration, e.g. \"@every 30s\"");
    }
    Matcher m = PART.matcher(t);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "ms" -> Duration.ofMillis(n);
                default -> Duration.ofSeconds(n);
              });
      end = m.end();
    }
    if (end != t.length()) {
      throw new IllegalArgumentException(
          "bad @every duration \"" + t + "\": use units d, h, m, s, e.g. \"@every 1h30m\"");
    }
    return total;
  }

  @Override
  public Optional<Instant> next(Instant after) {
    long s = Math.floorDiv(after.getEpochSecond(), periodSeconds) * periodSeconds + periodSeconds;
    return Optional.of(Instant.ofEpochSecond(s));
  }

  @Override
  public Optional<Instant> latestAtOrBefore(Instant at) {
    return Optional.of(
        Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), periodSeconds) * periodSeconds));
  }

  @Override
  public String describe() {
    long s = periodSeconds;
    StringBuilder b = new StringBuilder("every");
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] names = {"day", "hour", "minute", "second"};
    for (int i = 0; i < sizes.length; i++) {
      long n = s / sizes[i];
      s %= sizes[i];
      if (n > 0) {
        b.append(' ').append(n).append(' ').append(names[i]).append(n == 1 ? "" : "s");
      }
    }
    return b.toString();
  }
}
