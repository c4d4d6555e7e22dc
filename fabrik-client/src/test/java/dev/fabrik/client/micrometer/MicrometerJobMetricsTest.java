package dev.fabrik.client.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.worker.FailureFate;
import dev.fabrik.client.worker.JobContext;
import dev.fabrik.protocol.JobCodec;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerJobMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerJobMetrics metrics =
      new MicrometerJobMetrics(registry, Tags.of("app", "billing"));

  private static JobContext ctx(String jobtype, String queue) {
    return JobContext.of(
        JobCodec.decode(
            "{\"jid\":\"abcdefgh\",\"jobtype\":\"" + jobtype + "\",\"queue\":\"" + queue + "\"}"),
        job -> {});
  }

  private double count(String name, String jobtype) {
    var c = registry.find(name).tags("jobtype", jobtype, "app", "billing").counter();
    return c == null ? 0 : c.count();
  }

  private double inFlight() {
    return registry.get("fabrik.jobs.in.flight").gauge().value();
  }

  @Test
  void countsEachOutcomeByJobTypeAndQueue() {
    JobContext email = ctx("Email", "mail");
    JobContext report = ctx("Report", "default");
    metrics.started(email);
    metrics.started(email);
    metrics.started(report);
    assertThat(inFlight()).isEqualTo(3);
    metrics.succeeded(email, Duration.ofMillis(20));
    metrics.failed(email, new IllegalStateException(), Duration.ofMillis(40), FailureFate.RETRY);
    metrics.failed(report, new IllegalStateException(), Duration.ofMillis(5), FailureFate.DEAD);
    assertThat(inFlight()).isZero();
    metrics.started(report);
    metrics.snoozed(report, Duration.ofMinutes(1), Duration.ofMillis(1));

    assertThat(count("fabrik.jobs.started", "Email")).isEqualTo(2);
    assertThat(count("fabrik.jobs.succeeded", "Email")).isEqualTo(1);
    assertThat(count("fabrik.jobs.failed", "Email")).isEqualTo(1);
    assertThat(count("fabrik.jobs.retried", "Email")).isEqualTo(1);
    assertThat(count("fabrik.jobs.failed", "Report")).isEqualTo(1);
    assertThat(count("fabrik.jobs.retried", "Report")).isZero();
    assertThat(count("fabrik.jobs.snoozed", "Report")).isEqualTo(1);
    assertThat(
            registry
                .get("fabrik.jobs.started")
                .tags("jobtype", "Email", "queue", "mail")
                .counter()
                .count())
        .isEqualTo(2);

    Timer ok =
        registry
            .get("fabrik.job.duration")
            .tags("jobtype", "Email", "outcome", "succeeded")
            .timer();
    assertThat(ok.count()).isEqualTo(1);
    assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20);
    Timer failed =
        registry.get("fabrik.job.duration").tags("jobtype", "Email", "outcome", "failed").timer();
    assertThat(failed.max(TimeUnit.MILLISECONDS)).isEqualTo(40);
  }

  @Test
  void fetchLatencyBySuccess() {
    metrics.fetched(Duration.ofMillis(3), true);
    metrics.fetched(Duration.ofSeconds(2), false);
    metrics.fetched(Duration.ofSeconds(2), false);
    assertThat(registry.get("fabrik.fetch.duration").tag("found", "true").timer().count())
        .isEqualTo(1);
    Timer empty = registry.get("fabrik.fetch.duration").tag("found", "false").timer();
    assertThat(empty.count()).isEqualTo(2);
    assertThat(empty.totalTime(TimeUnit.SECONDS)).isEqualTo(4);
  }
}
