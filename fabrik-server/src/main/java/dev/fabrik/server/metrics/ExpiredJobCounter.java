package dev.fabrik.server.metrics;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.expiry.ExpiredJobs;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Jobs dropped because their {@code custom.expires_at} passed, by job type, whether a FETCH reached
 * them or they fell due in the scheduled set or the retries:
 *
 * <pre>
 * fabrik_jobs_expired_total{jobtype="SendEmail"} 3.0
 * </pre>
 */
final class ExpiredJobCounter implements ExpiredJobs {
  private final JobTypeLabels<CounterDataPoint> types;

  ExpiredJobCounter(PrometheusRegistry registry) {
    Counter expired =
        Counter.builder()
            .name("fabrik_jobs_expired_total")
            .help(
                "Jobs dropped since the server started because their expires_at passed before"
                    + " they ran, by type")
            .labelNames("jobtype")
            .withoutExemplars()
            .build();
    registry.register(expired);
    types = new JobTypeLabels<>(expired::labelValues);
  }

  @Override
  public void expired(Job job, Where where) {
    types.forType(job.jobtype()).inc();
  }
}
