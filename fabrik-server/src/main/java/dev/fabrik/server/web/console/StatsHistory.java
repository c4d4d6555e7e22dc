package dev.fabrik.server.web.console;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.PeriodicService.Pass;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.storage.Counters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Samples the processed/failed totals every {@code period} and keeps the last {@code capacity}
 * samples, so the dashboard's graph shows per-second rates for the last five minutes the moment it
 * loads instead of starting empty. Time comes from the injected clock (rates divide by the clock's
 * elapsed time, so a late tick does not spike the graph); tests call {@link #sample()} themselves.
 * Runs on a {@link PeriodicService} (a platform thread: reading the counters may touch storage).
 */
public final class StatsHistory implements Service {
  /** The default sampling period. */
  public static final Duration PERIOD = Duration.ofSeconds(1);

  /** The default number of samples kept: five minutes at one per second. */
  public static final int CAPACITY = 300;

  private record Sample(Instant at, long processed, long failed) {}

  private final Clock clock;
  private final Supplier<Counters> counters;
  private final Duration period;
  private final int capacity;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final PeriodicService runs;

  public StatsHistory(Clock clock, Supplier<Counters> counters, Duration period, int capacity) {
    if (period.isNegative() || period.isZero() || capacity < 2) {
      throw new IllegalArgumentException("need a positive period and room for two samples");
    }
    this.clock = clock;
    this.counters = counters;
    this.period = period;
    this.capacity = capacity;
    // At a fixed rate: the graph's points stay evenly spaced.
    this.runs =
        new PeriodicService(
            "fabrik-stats",
            List.of(Pass.atRate("stats sampling", Duration.ZERO, period, this::sample)));
  }

  /** One sample per second, five minutes kept. */
  public static StatsHistory standard(Clock clock, Supplier<Counters> counters) {
    return new StatsHistory(clock, counters, PERIOD, CAPACITY);
  }

  /** Takes a sample now (the timer calls this; so do tests). */
  public void sample() {
    Counters c = counters.get();
    Sample s = new Sample(clock.instant(), c.processed(), c.failures());
    synchronized (samples) {
      samples.addLast(s);
      // capacity samples give capacity - 1 rates; keep one more so the window is full.
      while (samples.size() > capacity + 1) {
        samples.removeFirst();
      }
    }
  }

  /** The rates between consecutive samples, oldest first; empty until two samples exist. */
  public StatsSeries series() {
    List<Sample> copy;
    synchronized (samples) {
      copy = new ArrayList<>(samples);
    }
    List<StatsPoint> points = new ArrayList<>(Math.max(0, copy.size() - 1));
    for (int i = 1; i < copy.size(); i++) {
      Sample before = copy.get(i - 1);
      Sample s = copy.get(i);
      double seconds = Duration.between(before.at(), s.at()).toNanos() / 1e9;
      points.add(
          new StatsPoint(
              s.at(),
              s.processed(),
              s.failed(),
              rate(s.processed() - before.processed(), seconds),
              rate(s.failed() - before.failed(), seconds)));
    }
    return new StatsSeries(clock.instant(), period, points);
  }

  /** A flush resets the totals (negative delta) and a stalled clock gives no time: show 0. */
  private static double rate(long delta, double seconds) {
    return delta <= 0 || seconds <= 0 ? 0.0 : delta / seconds;
  }

  /** Samples once, then every period on a daemon thread. */
  @Override
  public void start() {
    runs.start();
  }

  /** Stops the sampling; a sample under way finishes. */
  @Override
  public void stop(Duration timeout) {
    runs.stop(timeout);
  }
}
