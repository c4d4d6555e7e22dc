package dev.fabrik.cli.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, kept whole and sorted once: at bench sizes (≤ a few 100k) that is
 * cheaper than a histogram dependency and exact.
 */
final class Samples {
  private final long[] sorted;

  Samples(long[] nanos, int count) {
    this.sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
  }

  int count() {
    return sorted.length;
  }

  /** Nearest-rank percentile, {@code p} in (0, 100]; 0 when there are no samples. */
  long percentile(double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
  }

  long max() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
  }

  /** Summary in milliseconds. */
  Latency summary() {
    return new Latency(ms(percentile(50)), ms(percentile(99)), ms(max()));
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  /** Latency percentiles (push-to-fetch, or an ACK round trip), in milliseconds. */
  record Latency(double p50Ms, double p99Ms, double maxMs) {}
}
