package dev.fabrik.server.cron;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;
import java.util.Optional;

/**
 * A 5- or 6-field cron expression (cron-utils parses and steps it) read in a time zone.
 *
 * <p>cron-utils is asked only about wall-clock times: it steps through local date-times as if the
 * zone were UTC (no gaps, no repeats), and this class maps each wall-clock tick to an instant with
 * our own daylight-saving rule, so the rule is ours and tested (see {@link Schedule}).
 */
final class CronExpressionSchedule implements Schedule {
  private static final CronParser FIVE =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser SIX = new CronParser(withSeconds());

  /**
   * How many wall-clock ticks one call may skip (ticks inside a repeated hour) before it gives up.
   */
  private static final int MAX_STEPS = 10_000;

  private final Cron cron;
  private final ExecutionTime times;
  private final ZoneId zone;
  private final String alias;

  CronExpressionSchedule(String expression, ZoneId zone, String alias) {
    String[] fields = expression.strip().split("\\s+");
    if (fields.length != 5 && fields.length != 6) {
      throw new IllegalArgumentException(
          "schedule \""
              + expression
              + "\" has "
              + fields.length
              + " fields; cron needs 5 (minute hour day month weekday) or 6 (second first)");
    }
    try {
      this.cron = (fields.length == 5 ? FIVE : SIX).parse(String.join(" ", fields));
      cron.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad schedule \"" + expression + "\": " + e.getMessage(), e);
    }
    this.times = ExecutionTime.forCron(cron);
    this.zone = zone;
    this.alias = alias;
  }

  /** Unix cron with a seconds field in front: day-of-week 0-7 (0 and 7 are Sunday). */
  private static CronDefinition withSeconds() {
    return CronDefinitionBuilder.defineCron()
        .withSeconds()
        .withValidRange(0, 59)
        .and()
        .withMinutes()
        .withValidRange(0, 59)
        .and()
        .withHours()
        .withValidRange(0, 23)
        .and()
        .withDayOfMonth()
        .withValidRange(1, 31)
        .supportsL()
        .supportsW()
        .supportsLW()
        .supportsQuestionMark()
        .and()
        .withMonth()
        .withValidRange(1, 12)
        .and()
        .withDayOfWeek()
        .withValidRange(0, 7)
        .withMondayDoWValue(1)
        .withIntMapping(7, 0)
        .supportsHash()
        .supportsL()
        .supportsQuestionMark()
        .and()
        .instance();
  }

  @Override
  public Optional<Instant> next(Instant after) {
    LocalDateTime local = LocalDateTime.ofInstant(after, zone);
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<LocalDateTime> tick = nextWallClock(local);
      if (tick.isEmpty()) {
        return Optional.empty();
      }
      Instant at = toInstant(tick.get());
      if (at.isAfter(after)) {
        return Optional.of(at);
      }
      // A tick of a repeated hour that already fired in its first occurrence: skip it.
      local = tick.get();
    }
    return Optional.empty();
  }

  @Override
  public Optional<Instant> latestAtOrBefore(Instant at) {
    // cron-utils' lastExecution is strictly before; one second later makes it "at or before".
    LocalDateTime local =
        LocalDateTime.ofInstant(at, zone).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<LocalDateTime> tick = previousWallClock(local);
      if (tick.isEmpty()) {
        return Optional.empty();
      }
      Instant instant = toInstant(tick.get());
      if (!instant.isAfter(at)) {
        return Optional.of(instant);
      }
      local = tick.get();
    }
    return Optional.empty();
  }

  /**
   * The instant of a wall-clock tick: in a gap (clocks jump forward) the instant of the jump; in an
   * overlap (clocks fall back) the first occurrence.
   */
  Instant toInstant(LocalDateTime local) {
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    if (transition != null && transition.isGap()) {
      return transition.getInstant();
    }
    return ZonedDateTime.ofLocal(local, zone, null).toInstant();
  }

  private Optional<LocalDateTime> nextWallClock(LocalDateTime local) {
    return times
        .nextExecution(ZonedDateTime.of(local, ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime);
  }

  private Optional<LocalDateTime> previousWallClock(LocalDateTime local) {
    return times
        .lastExecution(ZonedDateTime.of(local, ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime);
  }

  @Override
  public String describe() {
    String words = CronDescriptor.instance(Locale.UK).describe(cron);
    return (alias != null ? alias + ": " : "") + words;
  }
}
