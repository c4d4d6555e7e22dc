package dev.fabrik.server.metrics;

import dev.fabrik.server.net.CommandObserver;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long commands take, by verb, from the line being read to the reply being handed to the socket
 * writer:
 *
 * <pre>
 * fabrik_command_duration_seconds_bucket{verb="PUSH",le="0.001"} 950
 * fabrik_command_duration_seconds_count{verb="PUSH"} 1000
 * </pre>
 *
 * FETCH includes its wait for a job (up to the fetch wait, 2 s by default). Verbs come from the
 * command table only (the connection reports unknown ones as {@code unknown}), so the map of data
 * points stays as small as the table. On the hot path this is one map lookup and one observe.
 */
final class CommandLatency implements CommandObserver {
  /** From 50 µs (a PUSH on the memory store) to 10 s (beyond any FETCH wait). */
  static final double[] BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
    2.5, 5, 10
  };

  private final Histogram histogram;
  private final Map<String, DistributionDataPoint> byVerb = new ConcurrentHashMap<>();

  CommandLatency(PrometheusRegistry registry) {
    histogram =
        (Histogram)
            Histogram.builder()
                .name("fabrik_command_duration_seconds")
                .help(
                    "Time from a command's line being read to its reply being handed to the"
                        + " socket, by verb (FETCH includes the wait for a job)")
                .unit(Unit.SECONDS)
                .labelNames("verb")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .build();
    registry.register(histogram);
  }

  @Override
  public void completed(String verb, long nanos) {
    DistributionDataPoint point = byVerb.get(verb);
    if (point == null) {
      point = byVerb.computeIfAbsent(verb, histogram::labelValues);
    }
    point.observe(nanos / 1e9);
  }
}
