package dev.fabrik.server.metrics;

import dev.fabrik.server.storage.CommitObserver;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The storage writer's group commits: how long each took and how many operations it carried. Small
 * batches with long commits mean the disk is the limit (fsync); large batches mean many clients
 * share each commit, as designed.
 *
 * <pre>
 * fabrik_storage_commit_duration_seconds_count 5012
 * fabrik_storage_commit_batch_size_bucket{le="50.0"} 4990
 * </pre>
 */
final class CommitMetrics implements CommitObserver {
  /** From 50 µs (a page write into the OS cache) to 5 s (a stalled disk). */
  static final double[] DURATION_BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    2.5, 5
  };

  /** Up to the writer's batch limit of 2000 operations. */
  static final double[] SIZE_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};

  private final Histogram duration;
  private final Histogram batchSize;

  CommitMetrics(PrometheusRegistry registry) {
    duration =
        (Histogram)
            Histogram.builder()
                .name("fabrik_storage_commit_duration_seconds")
                .help(
                    "Time per storage transaction, from BEGIN to COMMIT returning: every"
                        + " operation of the group commit plus the fsync (SQLite only)")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(DURATION_BUCKETS)
                .withoutExemplars()
                .build();
    batchSize =
        (Histogram)
            Histogram.builder()
                .name("fabrik_storage_commit_batch_size")
                .help("Store operations carried by one group commit (SQLite only)")
                .classicOnly()
                .classicUpperBounds(SIZE_BUCKETS)
                .withoutExemplars()
                .build();
    registry.register(duration);
    registry.register(batchSize);
  }

  @Override
  public void committed(int operations, long nanos) {
    duration.observe(nanos / 1e9);
    batchSize.observe(operations);
  }
}
