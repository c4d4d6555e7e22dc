package dev.fabrik.server.limits;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How long a concurrency slot stands free while work waits for it, measured in the server (the
 * issue's target: no idle gap longer than one FETCH round trip). A gap opens when a slot of a limit
 * frees after some FETCH found that limit full, and closes when the gate next grants a slot of it;
 * it spans the wake-up of the waiting FETCH, its look at the usage and its reservation, but no
 * network trip:
 *
 * <pre>
 * fabrik_limit_idle_gap_seconds_bucket{limit="queue:scraper",le="0.001"} 9120.0
 * fabrik_limit_idle_gap_seconds_count{limit="queue:scraper"} 10000.0
 * </pre>
 *
 * Only slots freed and granted in this process are seen: on a PostgreSQL store shared by several
 * nodes, a slot freed on one node and taken on another opens no gap here.
 */
final class IdleGaps {

  /** Buckets from 50 µs (one wake-up) to 1 s (a slot left to its timeout would show above). */
  private static final double[] BOUNDS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
  };

  private final Histogram histogram =
      Histogram.builder()
          .name("fabrik_limit_idle_gap_seconds")
          .help("Time a freed concurrency slot stood free while FETCHes waited for it, by limit")
          .labelNames("limit")
          .classicUpperBounds(BOUNDS)
          .classicOnly()
          .withoutExemplars()
          .build();

  private final LongSupplier nanoTime;

  /** Limits some FETCH found full since their last slot freed. */
  private final ConcurrentHashMap<String, Boolean> wanted = new ConcurrentHashMap<>();

  /** Limits with a slot freed while wanted and not granted since, with when it freed. */
  private final ConcurrentHashMap<String, Long> freedAt = new ConcurrentHashMap<>();

  /** The longest gap closed per limit. */
  private final ConcurrentHashMap<String, Long> maxNanos = new ConcurrentHashMap<>();

  IdleGaps(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  void register(PrometheusRegistry registry) {
    registry.register(histogram);
  }

  /** A FETCH found the limit {@code key} full. */
  void wanted(String key) {
    wanted.putIfAbsent(key, Boolean.TRUE);
  }

  /** A slot of {@code key} was freed (the gap opens if a FETCH had wanted one). */
  void freed(String key) {
    if (wanted.remove(key) != null) {
      freedAt.putIfAbsent(key, nanoTime.getAsLong());
    }
  }

  /** The gate granted a slot of {@code key} (the gap, if open, closes). */
  void granted(String key) {
    Long from = freedAt.remove(key);
    if (from != null) {
      long gap = nanoTime.getAsLong() - from;
      histogram.labelValues(key).observe(gap / 1e9);
      maxNanos.merge(key, gap, Math::max);
    }
  }

  /** What the gaps of {@code key} add up to so far; null when none closed. */
  IdleGapSummary summary(String key) {
    for (var point : histogram.collect().getDataPoints()) {
      if (key.equals(point.getLabels().get("limit"))) {
        var buckets = point.getClassicBuckets();
        double[] bounds = new double[buckets.size()];
        long[] counts = new long[buckets.size()];
        for (int b = 0; b < buckets.size(); b++) {
          bounds[b] = buckets.getUpperBound(b);
          counts[b] = buckets.getCount(b);
        }
        long max = maxNanos.getOrDefault(key, 0L);
        return new IdleGapSummary(point.getCount(), point.getSum(), max / 1e9, bounds, counts);
      }
    }
    return null;
  }
}
