package dev.fabrik.server.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DisplayTest {
  private static final Instant NOW = Instant.parse("2026-11-23T00:25:48.500Z");

  @Test
  void durationsAreCompact() {
    assertThat(Display.duration(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(Display.duration(Duration.ofSeconds(12))).isEqualTo("12s");
    assertThat(Display.duration(Duration.ofSeconds(184))).isEqualTo("3m 4s");
    assertThat(Display.duration(Duration.ofMinutes(125))).isEqualTo("2h 5m");
    assertThat(Display.duration(Duration.ofHours(76))).isEqualTo("3d 4h");
    assertThat(Display.seconds(0)).isEqualTo("0s");
    assertThat(Display.seconds(1.25)).isEqualTo("1s");
  }

  @Test
  void relativeTimesSayAgoOrIn() {
    assertThat(Display.relative(NOW.minusSeconds(302), NOW)).isEqualTo("5m 2s ago");
    assertThat(Display.relative(NOW.plusSeconds(180), NOW)).isEqualTo("in 3m 0s");
    assertThat(Display.relative(null, NOW)).isEqualTo("–");
  }

  @Test
  void workerLoadShowsWhatTheBeatReported() {
    assertThat(Display.load(3, 20)).isEqualTo("3 of 20");
    assertThat(Display.load(0, 20)).isEqualTo("0 of 20");
    assertThat(Display.load(3, -1)).isEqualTo("3");
    assertThat(Display.load(-1, 20)).isEqualTo("? of 20");
    assertThat(Display.load(-1, -1)).isEqualTo("–");
  }

  @Test
  void timesAWeekOrMoreAwayReadAsDates() {
    assertThat(Display.relative(java.time.Instant.parse("2099-01-01T12:00:59Z"), NOW))
        .isEqualTo("2099-01-01 12:00 UTC");
    assertThat(Display.relative(NOW.minus(java.time.Duration.ofDays(400)), NOW))
        .isEqualTo("2025-10-19 00:25 UTC");
    // just under a week stays relative, either side; a week exactly is a date
    assertThat(Display.relative(NOW.plus(java.time.Duration.ofDays(7).minusSeconds(1)), NOW))
        .isEqualTo("in 6d 23h");
    assertThat(Display.relative(NOW.minus(java.time.Duration.ofDays(7).minusSeconds(1)), NOW))
        .isEqualTo("6d 23h ago");
    assertThat(Display.relative(NOW.plus(java.time.Duration.ofDays(7)), NOW))
        .isEqualTo("2026-11-30 00:25 UTC");
    assertThat(Display.relative(NOW.minus(java.time.Duration.ofDays(7)), NOW))
        .isEqualTo("2026-11-16 00:25 UTC");
  }

  @Test
  void timesAndTimestampsInUtc() {
    assertThat(Display.time(NOW)).isEqualTo("2026-11-23 00:25:48 UTC");
    assertThat(Display.timestamp("2026-11-23T00:36:43.617029852Z"))
        .isEqualTo("2026-11-23 00:36:43 UTC");
    assertThat(Display.timestamp("yesterday")).isEqualTo("yesterday");
  }

  @Test
  void numbersBytesAndCounts() {
    assertThat(Display.number(1234567)).isEqualTo("1,234,567");
    assertThat(Display.bytes(512)).isEqualTo("512 B");
    assertThat(Display.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(Display.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
    assertThat(Display.jobs(1)).isEqualTo("1 job");
    assertThat(Display.jobs(1204)).isEqualTo("1,204 jobs");
  }

  @Test
  void pathSegmentsAndQueryValuesAreEncoded() {
    assertThat(Display.seg("a/b c+d")).isEqualTo("a%2Fb%20c%2Bd");
    assertThat(Display.q("x&y=z")).isEqualTo("x%26y%3Dz");
  }

  @Test
  void jsonIsIndented() {
    assertThat(Display.json(JobCodec.MAPPER.readTree("{\"a\":[1]}")))
        .contains("\n")
        .contains("\"a\"");
    assertThat(Display.json(null)).isEqualTo("null");
  }

  @Test
  void flashTextsForEveryAction() {
    assertThat(SetView.done("retry", 3)).isEqualTo("3 jobs retried");
    assertThat(SetView.done("delete", 1)).isEqualTo("1 job deleted");
    assertThat(SetView.done("kill", 2)).isEqualTo("2 jobs killed");
    assertThat(SetView.done("enqueue", 1)).isEqualTo("1 job enqueued");
    assertThat(SetView.RETRIES.offers("kill")).isTrue();
    assertThat(SetView.DEAD.offers("kill")).isFalse();
  }
}
