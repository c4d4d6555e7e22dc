package dev.fabrik.server.metrics;

import dev.fabrik.server.workflow.WorkflowCounters;
import dev.fabrik.server.workflow.WorkflowState;
import dev.fabrik.server.workflow.WorkflowStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Workflows ({@code custom.after}) in {@code /metrics}:
 *
 * <pre>
 * fabrik_workflow_held_jobs 12.0                  jobs waiting for their dependencies (store count)
 * fabrik_workflow_released_total 340.0            held jobs released when their last dependency succeeded
 * fabrik_workflow_dependency_dead_total 2.0       held jobs sent to the dead set as a dependency died
 * </pre>
 */
final class WorkflowMetrics implements WorkflowCounters {
  private final Counter released;
  private final Counter blocked;

  WorkflowMetrics(PrometheusRegistry registry, WorkflowStore store) {
    GaugeWithCallback.builder()
        .name("fabrik_workflow_held_jobs")
        .help("Jobs held until their dependencies (custom.after) succeed")
        .callback(cb -> cb.call(store.count(WorkflowState.HELD)))
        .register(registry);
    released =
        Counter.builder()
            .name("fabrik_workflow_released_total")
            .help("Held jobs released since the server started: their last dependency succeeded")
            .withoutExemplars()
            .register(registry);
    blocked =
        Counter.builder()
            .name("fabrik_workflow_dependency_dead_total")
            .help("Held jobs sent to the dead set since the server started: a dependency died")
            .withoutExemplars()
            .register(registry);
  }

  @Override
  public void released(int n) {
    if (n > 0) {
      released.inc(n);
    }
  }

  @Override
  public void blocked(int n) {
    if (n > 0) {
      blocked.inc(n);
    }
  }
}
