package dev.fabrik.server.metrics;

import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.storage.Reservation;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;

/**
 * Processed and failed jobs by job type, counted as the manager reports outcomes:
 *
 * <pre>
 * fabrik_jobs_processed_total{jobtype="SendEmail"} 12.0
 * fabrik_jobs_failed_total{jobtype="SendEmail",reason="fail"} 2.0
 * fabrik_jobs_failed_total{jobtype="SendEmail",reason="expired"} 1.0
 * fabrik_jobs_snoozed_total{jobtype="SendEmail"} 3.0
 * </pre>
 *
 * Processed counts acknowledged and failed jobs alike, as Faktory's {@code total_processed} does; a
 * snoozed run is neither (the job has not finished) and is counted only as snoozed. The data points
 * of a job type are looked up once and kept, so a hot ACK only increments.
 */
final class JobCounters implements OutcomeListener {
  static final String REASON_FAIL = "fail";
  static final String REASON_EXPIRED = "expired";

  private final Counter processed;
  private final Counter failed;
  private final Counter snoozed;
  private final JobTypeLabels<PerType> types;

  JobCounters(PrometheusRegistry registry) {
    this(registry, JobTypeLabels.MAX_JOB_TYPES);
  }

  JobCounters(PrometheusRegistry registry, int maxJobTypes) {
    processed =
        Counter.builder()
            .name("fabrik_jobs_processed_total")
            .help("Jobs that finished (acknowledged or failed) since the server started, by type")
            .labelNames("jobtype")
            .withoutExemplars()
            .build();
    failed =
        Counter.builder()
            .name("fabrik_jobs_failed_total")
            .help(
                "Jobs that failed since the server started, by type; reason is fail (the worker"
                    + " sent FAIL) or expired (its reservation ran out)")
            .labelNames("jobtype", "reason")
            .withoutExemplars()
            .build();
    snoozed =
        Counter.builder()
            .name("fabrik_jobs_snoozed_total")
            .help("Runs that ended in a snooze (back to the scheduled set, not a failure), by type")
            .labelNames("jobtype")
            .withoutExemplars()
            .build();
    registry.register(processed);
    registry.register(failed);
    registry.register(snoozed);
    types = new JobTypeLabels<>(maxJobTypes, PerType::new);
  }

  @Override
  public void acknowledged(Reservation reservation) {
    types.forType(reservation.jobtype()).processed.inc();
  }

  @Override
  public void failed(Reservation reservation, boolean expired) {
    PerType t = types.forType(reservation.jobtype());
    t.processed.inc();
    (expired ? t.expired : t.failed).inc();
  }

  @Override
  public void snoozed(Reservation reservation, Instant until) {
    types.forType(reservation.jobtype()).snoozed.inc();
  }

  private final class PerType {
    final CounterDataPoint snoozed;
    final CounterDataPoint processed;
    final CounterDataPoint failed;
    final CounterDataPoint expired;

    PerType(String jobtype) {
      this.processed = JobCounters.this.processed.labelValues(jobtype);
      this.snoozed = JobCounters.this.snoozed.labelValues(jobtype);
      this.failed = JobCounters.this.failed.labelValues(jobtype, REASON_FAIL);
      this.expired = JobCounters.this.failed.labelValues(jobtype, REASON_EXPIRED);
    }
  }
}
