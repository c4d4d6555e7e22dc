package dev.fabrik.server.limits;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.Map;

/**
 * The limits' metrics:
 *
 * <pre>
 * fabrik_limit_in_flight{limit="queue:scraper"} 3.0          (slots held now)
 * fabrik_limit_capacity{limit="queue:scraper"} 3.0           (its concurrency)
 * fabrik_limit_throttled_total{limit="queue:scraper"} 12.0   (FETCHes that left the queue out)
 * fabrik_limit_passed_over_total 40.0                        (FETCHes that passed over job types)
 * fabrik_limit_lost_races_total{cause="same_number"} 1.0    (slots a concurrent claim took first)
 * </pre>
 */
final class LimitCounters {
  private final Counter throttled =
      Counter.builder()
          .name("fabrik_limit_throttled_total")
          .help("FETCHes that left a queue out because it was at its limit, by limit")
          .labelNames("limit")
          .withoutExemplars()
          .build();
  private final Counter passedOver =
      Counter.builder()
          .name("fabrik_limit_passed_over_total")
          .help("FETCHes that passed over jobs of types at their limit inside their queue")
          .withoutExemplars()
          .build();
  private final Counter lostRaces =
      Counter.builder()
          .name("fabrik_limit_lost_races_total")
          .help(
              "Claims that found a job but not its slots (a concurrent claim took them first), by"
                  + " cause: same_number, only_expired, after_reserve")
          .labelNames("cause")
          .withoutExemplars()
          .build();

  void throttled(LimitRule rule) {
    throttled.labelValues(rule.id()).inc();
  }

  void passedOver(int types) {
    passedOver.inc();
  }

  void lostRace(LimitStore.LostRace cause) {
    lostRaces.labelValues(cause.label()).inc();
  }

  /** Registers the counters and the usage gauges (read from {@code limits} at each scrape). */
  void register(PrometheusRegistry registry, Limits limits, Clock clock) {
    registry.register(throttled);
    registry.register(passedOver);
    registry.register(lostRaces);
    registry.register(
        GaugeWithCallback.builder()
            .name("fabrik_limit_in_flight")
            .help("Concurrency slots held now, by limit")
            .labelNames("limit")
            .callback(
                cb -> {
                  Map<String, Integer> used = limits.inFlight();
                  for (LimitRule r : limits.rules().all()) {
                    if (r.concurrency() > 0) {
                      cb.call(used.getOrDefault(r.slotKey(), 0), r.id());
                    }
                  }
                })
            .build());
    registry.register(
        GaugeWithCallback.builder()
            .name("fabrik_limit_capacity")
            .help("Concurrency limit in force, by limit")
            .labelNames("limit")
            .callback(
                cb -> {
                  for (LimitRule r : limits.rules().all()) {
                    if (r.concurrency() > 0) {
                      cb.call(r.concurrency(), r.id());
                    }
                  }
                })
            .build());
  }
}
