package dev.fabrik.server.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Instant at(String s) {
    return Instant.parse(s);
  }

  @Test
  void fiveFieldsStepMinutes() {
    Schedule s = Schedule.parse("*/5 * * * *", UTC);
    assertThat(s.next(at("2026-06-30T17:02:10Z"))).contains(at("2026-06-30T17:05:00Z"));
    assertThat(s.next(at("2026-06-30T17:05:00Z"))).contains(at("2026-06-30T17:10:00Z"));
    assertThat(s.latestAtOrBefore(at("2026-06-30T17:05:00Z"))).contains(at("2026-06-30T17:05:00Z"));
    assertThat(s.latestAtOrBefore(at("2026-06-30T17:04:59Z"))).contains(at("2026-06-30T17:00:00Z"));
  }

  @Test
  void sixFieldsHaveSecondsFirst() {
    Schedule s = Schedule.parse("*/10 * * * * *", UTC);
    assertThat(s.next(at("2026-06-30T17:00:01Z"))).contains(at("2026-06-30T17:00:10Z"));
    assertThat(s.describe()).isEqualTo("every 10 seconds");
    // day of week 0 and 7 are both Sunday, as in Unix cron
    Schedule sunday = Schedule.parse("0 0 9 * * 7", UTC);
    assertThat(sunday.next(at("2026-12-05T10:00:00Z"))).contains(at("2026-12-06T09:00:00Z"));
  }

  @Test
  void aliases() {
    Instant t = at("2026-06-30T17:02:00Z");
    assertThat(Schedule.parse("@hourly", UTC).next(t)).contains(at("2026-06-30T18:00:00Z"));
    assertThat(Schedule.parse("@daily", UTC).next(t)).contains(at("2026-07-01T00:00:00Z"));
    assertThat(Schedule.parse("@midnight", UTC).next(t)).contains(at("2026-07-01T00:00:00Z"));
    assertThat(Schedule.parse("@weekly", UTC).next(t)).contains(at("2026-07-05T00:00:00Z"));
    assertThat(Schedule.parse("@monthly", UTC).next(t)).contains(at("2026-07-01T00:00:00Z"));
    assertThat(Schedule.parse("@yearly", UTC).next(t)).contains(at("2027-01-01T00:00:00Z"));
    assertThat(Schedule.parse("@annually", UTC).next(t)).contains(at("2027-01-01T00:00:00Z"));
  }

  @Test
  void everyIsAnchoredAtTheEpochSoEveryNodeSeesTheSameTicks() {
    Schedule s = Schedule.parse("@every 30s", BERLIN);
    assertThat(s.next(at("2026-06-30T17:00:01Z"))).contains(at("2026-06-30T17:00:30Z"));
    assertThat(s.next(at("2026-06-30T17:00:30Z"))).contains(at("2026-06-30T17:01:00Z"));
    assertThat(s.latestAtOrBefore(at("2026-06-30T17:00:29.9Z")))
        .contains(at("2026-06-30T17:00:00Z"));
    Schedule mixed = Schedule.parse("@every 1h30m", UTC);
    assertThat(mixed.next(at("2026-06-30T00:00:00Z"))).contains(at("2026-06-30T01:30:00Z"));
    assertThat(mixed.describe()).isEqualTo("every 1 hour 30 minutes");
    // real seconds across a DST change: no tick lost or doubled
    Schedule hourly = Schedule.parse("@every 1h", BERLIN);
    assertThat(hourly.next(at("2026-03-29T00:30:00Z"))).contains(at("2026-03-29T01:00:00Z"));
    assertThat(hourly.next(at("2026-03-29T01:00:00Z"))).contains(at("2026-03-29T02:00:00Z"));
  }

  /** Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z). */
  @Test
  void springForwardFiresASkippedWallClockTimeOnceAtTheJump() {
    Schedule daily = Schedule.parse("30 2 * * *", BERLIN);
    Instant dayBefore = at("2026-03-28T01:30:00Z"); // 02:30 CET
    assertThat(daily.next(dayBefore)).contains(at("2026-03-29T01:00:00Z")); // 03:00 CEST
    assertThat(daily.next(at("2026-03-29T01:00:00Z"))).contains(at("2026-03-30T00:30:00Z"));

    // every 15 minutes: 02:00..02:45 do not exist; one tick at the jump, then 03:15 CEST
    Schedule quarter = Schedule.parse("*/15 * * * *", BERLIN);
    assertThat(ticks(quarter, at("2026-03-29T00:40:00Z"), 4))
        .containsExactly(
            at("2026-03-29T00:45:00Z"), // 01:45 CET
            at("2026-03-29T01:00:00Z"), // 03:00 CEST (02:00..02:45 and 03:00 together)
            at("2026-03-29T01:15:00Z"), // 03:15 CEST
            at("2026-03-29T01:30:00Z"));
    assertThat(quarter.latestAtOrBefore(at("2026-03-29T01:10:00Z")))
        .contains(at("2026-03-29T01:00:00Z"));
  }

  /** Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:xx happens twice. */
  @Test
  void fallBackFiresARepeatedWallClockTimeOnceAtItsFirstOccurrence() {
    Schedule daily = Schedule.parse("30 2 * * *", BERLIN);
    assertThat(ticks(daily, at("2026-10-24T12:00:00Z"), 3))
        .containsExactly(
            at("2026-10-25T00:30:00Z"), // 02:30 CEST, the first 02:30
            at("2026-10-26T01:30:00Z"), // next day 02:30 CET
            at("2026-10-27T01:30:00Z"));

    Schedule hourly = Schedule.parse("0 * * * *", BERLIN);
    assertThat(ticks(hourly, at("2026-10-24T23:30:00Z"), 4))
        .containsExactly(
            at("2026-10-25T00:00:00Z"), // 02:00 CEST
            // 02:00 CET (01:00Z) is the same wall-clock time again: skipped
            at("2026-10-25T02:00:00Z"), // 03:00 CET
            at("2026-10-25T03:00:00Z"),
            at("2026-10-25T04:00:00Z"));
    // asked from inside the second 02:xx, the last tick is the first 02:00
    assertThat(hourly.latestAtOrBefore(at("2026-10-25T01:30:00Z")))
        .contains(at("2026-10-25T00:00:00Z"));
  }

  @Test
  void badSchedulesSayWhatIsWrong() {
    assertThatThrownBy(() -> Schedule.parse("* * *", UTC)).hasMessageContaining("3 fields");
    assertThatThrownBy(() -> Schedule.parse("61 * * * *", UTC)).hasMessageContaining("61");
    assertThatThrownBy(() -> Schedule.parse("@fortnightly", UTC))
        .hasMessageContaining("unknown schedule");
    assertThatThrownBy(() -> Schedule.parse("@every", UTC)).hasMessageContaining("duration");
    assertThatThrownBy(() -> Schedule.parse("@every 10x", UTC)).hasMessageContaining("units");
    assertThatThrownBy(() -> Schedule.parse("@every 500ms", UTC)).hasMessageContaining("at least");
    assertThatThrownBy(() -> Schedule.parse(" ", UTC)).hasMessageContaining("empty");
  }

  @Test
  void describesInWords() {
    assertThat(Schedule.parse("0 9 * * 1-5", UTC).describe())
        .isEqualTo("at 09:00 every day between Monday and Friday");
    assertThat(Schedule.parse("@hourly", UTC).describe()).startsWith("@hourly: ");
  }

  private static List<Instant> ticks(Schedule s, Instant from, int n) {
    return CronService.nextFires(s, from, n);
  }
}
