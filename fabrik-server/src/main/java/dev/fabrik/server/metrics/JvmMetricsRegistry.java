package dev.fabrik.server.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The JVM and process metrics ({@code jvm_*}, {@code process_*}), in one registry for the whole
 * process that every server's scrape appends. They describe the process, not a server, and
 * registering them per server would leak: the library remembers every registry it registered with,
 * and adds GC notification listeners each time (tests start hundreds of servers in one JVM).
 */
final class JvmMetricsRegistry {
  private JvmMetricsRegistry() {}

  private static final class Holder {
    static final PrometheusRegistry REGISTRY = create();

    private static PrometheusRegistry create() {
      PrometheusRegistry registry = new PrometheusRegistry();
      JvmMetrics.builder().register(registry);
      return registry;
    }
  }

  /** Created on first use (the first scrape), then shared. */
  static PrometheusRegistry get() {
    return Holder.REGISTRY;
  }
}
