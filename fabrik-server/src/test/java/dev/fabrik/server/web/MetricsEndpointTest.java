package dev.fabrik.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics on a real server fed over the wire: counters, gauges, histograms, auth. */
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final ManualClock clock = new ManualClock();
  private FabrikServer server;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    http.close();
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private void start(ServerConfig.Builder config) {
    server = TestServers.start(config.webPort(0).build(), clock);
  }

  private HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + path))
            .timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static String push(String jid, String jobtype, String queue) {
    return "PUSH {\"jid\":\""
        + jid
        + "\",\"jobtype\":\""
        + jobtype
        + "\",\"args\":[1],\"queue\":\""
        + queue
        + "\",\"reserve_for\":60}";
  }

  /** The value of a sample line, e.g. {@code fabrik_connections} or {@code x{a="b"}}. */
  private static double sample(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
    assertThat(m.find()).as("series %s in%n%s", series, text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void jobsPushedFetchedAckedAndFailedShowUpByTypeAndQueue() throws Exception {
    start(TestServers.config());
    try (RawClient producer = RawClient.producer(server.port());
        RawClient worker = RawClient.worker(server.port(), "w-metrics")) {
      assertThat(producer.call(push("email-0001", "Email", "default"))).isEqualTo("+OK\r\n");
      assertThat(producer.call(push("email-0002", "Email", "default"))).isEqualTo("+OK\r\n");
      assertThat(producer.call(push("report-001", "Report", "default"))).isEqualTo("+OK\r\n");
      assertThat(producer.call(push("later-0001", "Report", "reports"))).isEqualTo("+OK\r\n");
      assertThat(producer.call("QUEUE PAUSE reports")).isEqualTo("+OK\r\n");
      assertThat(producer.call("NOSUCHVERB x")).startsWith("-ERR unknown command");

      assertThat(worker.bulk("FETCH default")).contains("email-0001");
      assertThat(worker.call("ACK {\"jid\":\"email-0001\"}")).isEqualTo("+OK\r\n");
      assertThat(worker.bulk("FETCH default")).contains("email-0002");
      assertThat(worker.call("FAIL {\"jid\":\"email-0002\",\"errtype\":\"E\",\"message\":\"m\"}"))
          .isEqualTo("+OK\r\n");
      assertThat(worker.bulk("FETCH default")).contains("report-001");
      // Less than the shortest retry delay (15 s): the periodic pass, on real time, must not move
      // the failed job back to its queue before the scrape.
      clock.advance(Duration.ofSeconds(10));

      String text = scrape();
      assertThat(sample(text, "fabrik_jobs_processed_total{jobtype=\"Email\"}")).isEqualTo(2);
      assertThat(sample(text, "fabrik_jobs_failed_total{jobtype=\"Email\",reason=\"fail\"}"))
          .isEqualTo(1);
      assertThat(sample(text, "fabrik_jobs_failed_total{jobtype=\"Email\",reason=\"expired\"}"))
          .isZero();
      assertThat(text).doesNotContain("jobtype=\"Report\"");

      assertThat(sample(text, "fabrik_queue_jobs{queue=\"default\"}")).isZero();
      assertThat(sample(text, "fabrik_queue_jobs{queue=\"reports\"}")).isEqualTo(1);
      assertThat(sample(text, "fabrik_queue_latency_seconds{queue=\"reports\"}")).isEqualTo(10);
      assertThat(sample(text, "fabrik_queue_paused{queue=\"reports\"}")).isEqualTo(1);
      assertThat(sample(text, "fabrik_queue_paused{queue=\"default\"}")).isZero();
      assertThat(sample(text, "fabrik_set_jobs{set=\"retries\"}")).isEqualTo(1);
      assertThat(sample(text, "fabrik_set_jobs{set=\"working\"}")).isEqualTo(1);
      assertThat(sample(text, "fabrik_set_jobs{set=\"dead\"}")).isZero();
      assertThat(sample(text, "fabrik_connections")).isEqualTo(2);
      assertThat(sample(text, "fabrik_workers{state=\"running\"}")).isEqualTo(1);
      assertThat(sample(text, "fabrik_workers{state=\"quiet\"}")).isZero();

      assertThat(sample(text, "fabrik_command_duration_seconds_count{verb=\"PUSH\"}")).isEqualTo(4);
      assertThat(sample(text, "fabrik_command_duration_seconds_count{verb=\"FETCH\"}"))
          .isEqualTo(3);
      assertThat(sample(text, "fabrik_command_duration_seconds_count{verb=\"unknown\"}"))
          .isEqualTo(1);
      assertThat(sample(text, "fabrik_command_duration_seconds_bucket{verb=\"ACK\",le=\"+Inf\"}"))
          .isEqualTo(1);
      assertThat(text).doesNotContain("verb=\"NOSUCHVERB\"");
      assertThat(text)
          .contains("# TYPE fabrik_command_duration_seconds histogram")
          .contains("# HELP fabrik_jobs_processed_total ")
          .contains("jvm_memory_used_bytes{area=\"heap\"}")
          .contains("jvm_threads_current ")
          .contains("process_cpu_seconds_total ");

      // The reserved Report job's reservation runs out: a failure with reason "expired".
      // The periodic reaper may get there first: either way it expires exactly once.
      clock.advance(Duration.ofSeconds(60));
      server.manager().maintenance().reapReservations();
      String after = scrape();
      assertThat(sample(after, "fabrik_jobs_failed_total{jobtype=\"Report\",reason=\"expired\"}"))
          .isEqualTo(1);
      assertThat(sample(after, "fabrik_jobs_processed_total{jobtype=\"Report\"}")).isEqualTo(1);
    }
  }

  @Test
  void theTextFormatByDefaultAndOpenMetricsOnRequest() throws Exception {
    start(TestServers.config());
    HttpResponse<String> plain = get("/metrics");
    assertThat(plain.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    HttpResponse<String> om =
        get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
    assertThat(om.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/openmetrics-text"));
    assertThat(om.body()).endsWith("# EOF\n");
    assertThat(get("/metricsx").statusCode()).isEqualTo(404);
    HttpRequest post =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + "/metrics"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }

  @Test
  void aPasswordProtectsTheMetricsLikeEveryOtherEndpoint() throws Exception {
    start(TestServers.config().password("s3cret"));
    HttpResponse<String> anonymous = get("/metrics");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(anonymous.body()).doesNotContain("fabrik_");
    assertThat(get("/metrics", "Authorization", basic("wrong")).statusCode()).isEqualTo(401);
    HttpResponse<String> ok = get("/metrics", "Authorization", basic("s3cret"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("fabrik_connections 0.0");
  }

  @Test
  void theSqliteStoreReportsItsGroupCommits() throws Exception {
    start(TestServers.config().storage("sqlite").dataDir(dir));
    try (RawClient producer = RawClient.producer(server.port())) {
      for (int i = 0; i < 5; i++) {
        assertThat(producer.call(push("sqlite-" + i + "000", "Sql", "default")))
            .isEqualTo("+OK\r\n");
      }
    }
    String text = scrape();
    // Each PUSH waited for its commit; the batch store's start-up sweep and its gauges also go
    // through the writer, so they can only add to these.
    assertThat(sample(text, "fabrik_storage_commit_duration_seconds_count")).isGreaterThan(0);
    assertThat(sample(text, "fabrik_storage_commit_batch_size_sum")).isGreaterThanOrEqualTo(5);
    assertThat(sample(text, "fabrik_storage_commit_batch_size_bucket{le=\"+Inf\"}"))
        .isEqualTo(sample(text, "fabrik_storage_commit_duration_seconds_count"));
    assertThat(sample(text, "fabrik_storage_size_bytes")).isGreaterThan(0);
    assertThat(sample(text, "fabrik_queue_jobs{queue=\"default\"}")).isEqualTo(5);
  }

  private static String basic(String password) {
    return "Basic "
        + Base64.getEncoder().encodeToString((":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
