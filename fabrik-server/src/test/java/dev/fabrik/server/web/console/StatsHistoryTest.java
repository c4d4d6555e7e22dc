package dev.fabrik.server.web.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.Counters;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StatsHistoryTest {
  private final ManualClock clock = new ManualClock();
  private final AtomicReference<Counters> counters = new AtomicReference<>(new Counters(0, 0));
  private final StatsHistory history =
      new StatsHistory(clock, counters::get, Duration.ofSeconds(1), 5);

  private void tick(long processed, long failed) {
    clock.advance(Duration.ofSeconds(1));
    counters.set(new Counters(processed, failed));
    history.sample();
  }

  @Test
  void ratesArePerSecondBetweenSamples() {
    assertThat(history.series().points()).isEmpty();
    history.sample();
    assertThat(history.series().points()).isEmpty(); // one sample is no rate yet
    tick(10, 1);
    clock.advance(Duration.ofSeconds(1)); // a late tick: 2 s between samples
    tick(30, 1);
    StatsSeries s = history.series();
    assertThat(s.period()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.points())
        .extracting(StatsPoint::processedPerSecond, StatsPoint::failedPerSecond)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(10.0, 1.0),
            org.assertj.core.groups.Tuple.tuple(10.0, 0.0));
    assertThat(s.points().getLast().processed()).isEqualTo(30);
    assertThat(s.points().getLast().at()).isEqualTo(clock.instant());
  }

  @Test
  void keepsOnlyTheLastCapacityRates() {
    history.sample();
    for (int i = 1; i <= 8; i++) {
      tick(i * 2L, 0);
    }
    StatsSeries s = history.series();
    assertThat(s.points()).hasSize(5);
    assertThat(s.points().getFirst().processed()).isEqualTo(8);
    assertThat(s.points()).allSatisfy(p -> assertThat(p.processedPerSecond()).isEqualTo(2.0));
  }

  @Test
  void aFlushShowsZeroRatherThanANegativeRate() {
    history.sample();
    tick(100, 10);
    tick(0, 0);
    assertThat(history.series().points().getLast().processedPerSecond()).isZero();
    assertThat(history.series().points().getLast().failedPerSecond()).isZero();
  }

  @Test
  void startSamplesAtOnceAndStopIsIdempotent() throws Exception {
    CountDownLatch sampled = new CountDownLatch(1);
    StatsHistory timed =
        new StatsHistory(
            clock,
            () -> {
              sampled.countDown();
              return new Counters(0, 0);
            },
            Duration.ofHours(1),
            5);
    timed.stop(Duration.ofSeconds(1)); // safe before start... and final
    assertThatThrownBy(timed::start).isInstanceOf(IllegalStateException.class);

    StatsHistory live =
        new StatsHistory(
            clock,
            () -> {
              sampled.countDown();
              return new Counters(0, 0);
            },
            Duration.ofHours(1),
            5);
    live.start();
    live.start();
    assertThat(sampled.await(10, TimeUnit.SECONDS)).isTrue();
    live.stop(Duration.ofSeconds(5));
    live.stop(Duration.ofSeconds(5));
  }

  @Test
  void refusesAZeroPeriodOrNoRoom() {
    assertThatThrownBy(() -> new StatsHistory(clock, counters::get, Duration.ZERO, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StatsHistory(clock, counters::get, Duration.ofSeconds(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
