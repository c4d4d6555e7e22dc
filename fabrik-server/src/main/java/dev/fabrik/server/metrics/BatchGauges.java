package dev.fabrik.server.metrics;

import dev.fabrik.server.batch.BatchCounts;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Batches, read at scrape time (the gauges from the store, so every node shows the same figures;
 * the counter is this node's):
 *
 * <pre>
 * fabrik_batches{state="open"} 2.0          taking jobs (not committed, or re-opened)
 * fabrik_batches{state="committed"} 5.0     waiting for members or callbacks
 * fabrik_batches{state="completed"} 40.0    complete callback done, kept for the retention
 * fabrik_batch_callbacks_total 81.0         callbacks this node pushed
 * </pre>
 */
final class BatchGauges {
  private BatchGauges() {}

  static void register(
      PrometheusRegistry registry, Supplier<BatchCounts> counts, LongSupplier callbacks) {
    GaugeWithCallback.builder()
        .name("fabrik_batches")
        .help("Batches held: open (taking jobs), committed (running), completed (kept a while)")
        .labelNames("state")
        .callback(
            cb -> {
              BatchCounts c = counts.get();
              cb.call(c.open(), "open");
              cb.call(c.committed(), "committed");
              cb.call(c.completed(), "completed");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("fabrik_batch_callbacks")
        .help("Batch callback jobs (complete and success) pushed by this node")
        .callback(cb -> cb.call(callbacks.getAsLong()))
        .register(registry);
  }
}
