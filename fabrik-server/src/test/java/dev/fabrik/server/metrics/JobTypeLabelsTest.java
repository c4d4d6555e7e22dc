package dev.fabrik.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Reservation;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The jobtype label: capped so clients cannot flood it. */
class JobTypeLabelsTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void typesBeyondTheCapShareOther() {
    JobTypeLabels<String> labels = new JobTypeLabels<>(3, type -> type);
    assertThat(labels.forType("A")).isEqualTo("A");
    assertThat(labels.forType("B")).isEqualTo("B");
    assertThat(labels.forType("C")).isEqualTo("C");
    assertThat(labels.forType("D")).isEqualTo(JobTypeLabels.OTHER);
    assertThat(labels.forType("E")).isEqualTo(JobTypeLabels.OTHER);
    assertThat(labels.forType("A")).as("known types keep their label").isEqualTo("A");
    assertThat(labels.forType(null)).isEqualTo(JobTypeLabels.OTHER);
    assertThat(labels.size()).isEqualTo(3);
  }

  @Test
  void theDefaultCapIsFiveHundredSeriesPlusOther() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    JobCounters counters = new JobCounters(registry);
    for (int i = 0; i < JobTypeLabels.MAX_JOB_TYPES + 100; i++) {
      counters.acknowledged(reservation("Type" + i));
    }
    counters.failed(reservation("Type0"), false);
    counters.failed(reservation("Type999"), true);

    String text = scrape(registry);
    long series = text.lines().filter(l -> l.startsWith("fabrik_jobs_processed_total{")).count();
    assertThat(series).isEqualTo(JobTypeLabels.MAX_JOB_TYPES + 1);
    assertThat(text)
        .contains("fabrik_jobs_processed_total{jobtype=\"Type0\"} 2.0\n")
        .contains("fabrik_jobs_processed_total{jobtype=\"Type499\"} 1.0\n")
        .doesNotContain("jobtype=\"Type500\"")
        .contains("fabrik_jobs_processed_total{jobtype=\"other\"} 101.0\n")
        .contains("fabrik_jobs_failed_total{jobtype=\"Type0\",reason=\"fail\"} 1.0\n")
        .contains("fabrik_jobs_failed_total{jobtype=\"other\",reason=\"expired\"} 1.0\n");
  }

  private static Reservation reservation(String jobtype) {
    byte[] payload = bytes("{\"jid\":\"j\",\"jobtype\":\"" + jobtype + "\",\"queue\":\"default\"}");
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new Reservation("j", "default", payload, "w", t, t.plusSeconds(60));
  }

  private static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
