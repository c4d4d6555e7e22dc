package dev.fabrik.server.cron;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

/**
 * When a cron entry fires: a sequence of instants, computed on demand.
 *
 * <p>Accepted forms (parsed by {@link #parse}):
 *
 * <pre>
 * "*&#47;5 * * * *"        5 fields: minute hour day-of-month month day-of-week (Unix cron)
 * "*&#47;10 * * * * *"     6 fields: second first, then the 5 above
 * "@hourly" "@daily" (= "@midnight") "@weekly" "@monthly" "@yearly" (= "@annually")
 * "@every 30s"  "@every 1h30m"   a fixed period (whole seconds), anchored at the Unix epoch
 * </pre>
 *
 * <p>Cron fields are read in the entry's time zone. Daylight saving (see docs/cron.md): a
 * wall-clock time the clocks skip fires once, at the instant they jump (a daily {@code 30 2 * * *}
 * in Europe/Berlin fires at 03:00 CEST on the last Sunday of March, and ticks at 02:00, 02:15 … of
 * a skipped hour fire once, together, at 03:00); a wall-clock time that occurs twice fires once, at
 * its first occurrence (summer time). {@code @every} counts real seconds and ignores the zone.
 */
public interface Schedule {

  /**
   * The first fire time strictly after {@code after}; empty when the schedule never fires again.
   */
  Optional<Instant> next(Instant after);

  /** The last fire time at or before {@code at}; empty when there is none. */
  Optional<Instant> latestAtOrBefore(Instant at);

  /** The schedule in words, e.g. "at 09:00 every day between Monday and Friday (Europe/Berlin)". */
  String describe();

  /**
   * Parses a schedule.
   *
   * @param zone the zone the cron fields are read in
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  static Schedule parse(String expression, ZoneId zone) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("schedule is empty");
    }
    String e = expression.strip();
    if (e.startsWith("@")) {
      String lower = e.toLowerCase(Locale.ROOT);
      if (lower.startsWith("@every")) {
        return new EverySchedule(EverySchedule.parsePeriod(e.substring("@every".length())));
      }
      String cron =
          switch (lower) {
            case "@yearly", "@annually" -> "0 0 1 1 *";
            case "@monthly" -> "0 0 1 * *";
            case "@weekly" -> "0 0 * * 0";
            case "@daily", "@midnight" -> "0 0 * * *";
            case "@hourly" -> "0 * * * *";
            default ->
                throw new IllegalArgumentException(
                    "unknown schedule \""
                        + e
                        + "\": use @yearly, @monthly, @weekly, @daily, @hourly, @every <duration>,"
                        + " or 5 or 6 cron fields");
          };
      return new CronExpressionSchedule(cron, zone, e);
    }
    return new CronExpressionSchedule(e, zone, null);
  }

  /** {@code @every} periods: at least this long. */
  Duration MIN_PERIOD = Duration.ofSeconds(1);
}
