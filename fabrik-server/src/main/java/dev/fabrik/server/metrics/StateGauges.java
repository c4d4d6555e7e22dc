package dev.fabrik.server.metrics;

import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.net.ConnectionStats;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gauges read from the store, the manager and the registries when Prometheus scrapes, so nothing is
 * kept up to date on the job path:
 *
 * <pre>
 * fabrik_queue_jobs{queue="default"} 12.0
 * fabrik_queue_latency_seconds{queue="default"} 0.8
 * fabrik_queue_paused{queue="default"} 0.0
 * fabrik_set_jobs{set="retries"} 3.0
 * fabrik_connections 4.0
 * fabrik_workers{state="quiet"} 1.0
 * </pre>
 */
final class StateGauges {
  private StateGauges() {}

  static void register(
      PrometheusRegistry registry,
      Manager manager,
      Store store,
      WorkerRegistry workers,
      ConnectionStats connections) {
    GaugeWithCallback.builder()
        .name("fabrik_queue_jobs")
        .help("Jobs waiting in each queue")
        .labelNames("queue")
        .callback(cb -> store.queueSizes().forEach((q, size) -> cb.call(size, q)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("fabrik_queue_latency_seconds")
        .help("Seconds since the job at the head of each queue was enqueued (0 when empty)")
        .unit(Unit.SECONDS)
        .labelNames("queue")
        .callback(
            cb -> {
              List<String> queues = new ArrayList<>(store.queueSizes().keySet());
              manager.queues().latency(queues).forEach((q, seconds) -> cb.call(seconds, q));
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("fabrik_queue_paused")
        .help("1 when the queue is paused (FETCH skips it), else 0")
        .labelNames("queue")
        .callback(
            cb -> {
              Set<String> paused = store.pausedQueues();
              for (String q : store.queueSizes().keySet()) {
                cb.call(paused.contains(q) ? 1 : 0, q);
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("fabrik_set_jobs")
        .help("Jobs in the scheduled, retries and dead sets, and reserved by workers (working)")
        .labelNames("set")
        .callback(
            cb -> {
              cb.call(store.setSize(SetName.SCHEDULED), "scheduled");
              cb.call(store.setSize(SetName.RETRIES), "retries");
              cb.call(store.setSize(SetName.DEAD), "dead");
              cb.call(store.workingSize(), "working");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("fabrik_connections")
        .help("Client connections that completed the handshake and are open")
        .callback(cb -> cb.call(connections.connections()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("fabrik_workers")
        .help("Worker processes known from their heartbeats, by state (running, quiet, terminate)")
        .labelNames("state")
        .callback(cb -> byState(workers).forEach((s, n) -> cb.call(n, s.wireName())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("fabrik_storage_size_bytes")
        .help("Bytes the store occupies on disk (0 for the memory store)")
        .unit(Unit.BYTES)
        .callback(cb -> cb.call(store.sizeOnDisk()))
        .register(registry);
  }

  /** Every state, so a series does not vanish when its count drops to 0. */
  private static Map<WorkerState, Integer> byState(WorkerRegistry workers) {
    Map<WorkerState, Integer> counts = new EnumMap<>(WorkerState.class);
    for (WorkerState s : WorkerState.values()) {
      counts.put(s, 0);
    }
    for (WorkerInfo w : workers.list()) {
      counts.merge(w.state(), 1, Integer::sum);
    }
    return counts;
  }
}
