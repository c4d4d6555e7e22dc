package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.FabrikServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Expiring jobs (spec §8.2) over the raw protocol against a real server (SQLite unless {@code
 * -Dfabrik.it.storage=memory}) whose clock the test moves: expiry is decided on the server's clock,
 * so nothing here sleeps until a job expires. The scheduler's periodic passes run on real time and
 * read the moved clock; the tests await their effect through INFO.
 */
class ExpiryIT {
  private static final Duration FETCH_WAIT = Duration.ofMillis(300);
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-05T18:00:00Z"));
  private FabrikServer server;
  private ProtocolConnection conn;

  @BeforeEach
  void start() {
    startServer();
  }

  private void startServer() {
    server =
        new FabrikServer(
            InProcessServer.base().dataDir(dataDir).fetchWait(FETCH_WAIT).build(), clock);
    server.start();
    conn =
        ProtocolConnection.open(
            ConnectionOptions.builder()
                .host("127.0.0.1")
                .port(server.port())
                .hostname("fabrik-it")
                .build());
  }

  @AfterEach
  void stop() {
    if (conn != null) {
      conn.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static ObjectNode job(String queue, String jobtype) {
    return Wire.job(queue, jobtype, 1);
  }

  private static ObjectNode expiringIn(ObjectNode job, double seconds) {
    job.putObject("custom").put("expires_in", seconds);
    return job;
  }

  private static ObjectNode expiringAt(ObjectNode job, Instant at) {
    job.putObject("custom").put("expires_at", Timestamps.format(at));
    return job;
  }

  private String jid(JsonNode job) {
    return job == null ? null : job.path("jid").asString();
  }

  @Test
  void anExpiredJobIsSkippedAndFetchReturnsTheNextOne() {
    ObjectNode old = expiringIn(job("q", "Report"), 10);
    ObjectNode fresh = job("q", "Report");
    Wire.push(conn, old);
    Wire.push(conn, fresh);
    clock.advance(Duration.ofSeconds(10));

    JsonNode fetched = Wire.fetch(conn, "q");

    assertThat(jid(fetched)).isEqualTo(fresh.path("jid").asString());
    JsonNode info = Wire.info(conn);
    assertThat(Wire.queueSize(info, "q")).isZero();
    assertThat(info.path("faktory").path("tasks").path("Busy").path("size").asLong())
        .as("only the fresh job is reserved")
        .isEqualTo(1);
    assertThat(expiredMetric("Report")).isEqualTo(1);
  }

  @Test
  void manyExpiredJobsInARowNeitherHoldUpNorFailAFetch() {
    int expired = 2000;
    List<ObjectNode> batch = new ArrayList<>();
    for (int i = 0; i < expired; i++) {
      batch.add(expiringAt(job("bulk", "Stale"), clock.instant().minusSeconds(1)));
    }
    Reply pushed = conn.call("PUSHB " + batch);
    assertThat(pushed).isEqualTo(new Reply.Bulk("{}".getBytes()));
    ObjectNode survivor = job("bulk", "Fresh");
    Wire.push(conn, survivor);
    Wire.push(conn, expiringAt(job("only-expired", "Stale"), clock.instant()));

    long start = System.nanoTime();
    JsonNode fetched = Wire.fetch(conn, "bulk");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(jid(fetched)).isEqualTo(survivor.path("jid").asString());
    // Skipping is work, not waiting: a FETCH that waited would have spent its FETCH_WAIT first
    // and then answered $-1. The bound is loose for a loaded machine.
    assertThat(took).isLessThan(Duration.ofSeconds(20));
    assertThat(Wire.fetch(conn, "only-expired")).as("an empty answer, not an error").isNull();
    JsonNode info = Wire.info(conn);
    assertThat(Wire.queueSize(info, "bulk")).isZero();
    assertThat(Wire.queueSize(info, "only-expired")).isZero();
    assertThat(expiredMetric("Stale")).isEqualTo(expired + 1);
  }

  @Test
  void expiresInCountsFromThePushAndNeitherARestartNorARetryExtendsIt() {
    Instant pushedAt = clock.instant();
    ObjectNode job = expiringIn(job("q", "Report"), 60);
    Wire.push(conn, job);
    clock.advance(Duration.ofSeconds(30));

    JsonNode fetched = Wire.fetch(conn, "q");
    assertThat(jid(fetched)).isEqualTo(job.path("jid").asString());
    assertThat(fetched.path("custom").path("expires_at").asString())
        .isEqualTo(Timestamps.format(pushedAt.plusSeconds(60)));
    assertThat(fetched.path("custom").path("expires_in").asInt()).isEqualTo(60);

    // Not acknowledged: a restart puts it back in its queue with the same expires_at.
    conn.close();
    server.close();
    startServer();
    clock.advance(Duration.ofSeconds(30));
    assertThat(Wire.fetch(conn, "q")).as("expired 60 s after the push, not after a fetch").isNull();
    assertThat(Wire.queueSize(Wire.info(conn), "q")).isZero();
  }

  @Test
  void aScheduledJobThatExpiresBeforeItsTimeIsDroppedWhenDue() {
    Instant at = clock.instant().plusSeconds(60);
    ObjectNode dropped = expiringIn(job("sq", "Digest"), 30);
    dropped.put("at", Timestamps.format(at));
    ObjectNode kept = expiringIn(job("sq", "Digest"), 120);
    kept.put("at", Timestamps.format(at));
    Wire.push(conn, dropped);
    Wire.push(conn, kept);
    assertThat(setSize("Scheduled")).isEqualTo(2);

    clock.advance(Duration.ofSeconds(60));

    await().atMost(AWAIT).until(() -> setSize("Scheduled") == 0);
    assertThat(Wire.queueSize(Wire.info(conn), "sq")).isEqualTo(1);
    assertThat(jid(Wire.fetch(conn, "sq"))).isEqualTo(kept.path("jid").asString());
    assertThat(expiredMetric("Digest")).isEqualTo(1);
  }

  @Test
  void aRetryThatExpiresBeforeItIsDueIsDroppedWhenDue() {
    ObjectNode job = expiringIn(job("rq", "Flaky"), 10);
    Wire.push(conn, job);
    String jid = jid(Wire.fetch(conn, "rq"));
    assertThat(conn.call("FAIL {\"jid\":\"" + jid + "\",\"errtype\":\"E\",\"message\":\"boom\"}"))
        .isEqualTo(Reply.OK);
    assertThat(setSize("Retries")).isEqualTo(1);

    clock.advance(Duration.ofHours(1)); // past the first backoff and the expiry

    await().atMost(AWAIT).until(() -> setSize("Retries") == 0);
    assertThat(Wire.queueSize(Wire.info(conn), "rq")).isZero();
    assertThat(expiredMetric("Flaky")).isEqualTo(1);
  }

  @Test
  void badValuesGetAClearErrAtPushAndAnEntryInPushb() {
    ObjectNode badAt = job("q", "T");
    badAt.putObject("custom").put("expires_at", "tomorrow");
    assertThat(conn.call("PUSH " + badAt))
        .isEqualTo(
            new Reply.Error(
                "ERR",
                "invalid timestamp for 'expires_at': \"tomorrow\": cannot parse it at index 0"));
    assertThat(conn.call("PUSH " + expiringIn(job("q", "T"), -1)))
        .isEqualTo(new Reply.Error("ERR", "custom.expires_in must not be negative, got -1.0"));
    ObjectNode nan = job("q", "T");
    nan.putObject("custom").put("expires_in", "NaN");
    ObjectNode good = expiringIn(job("q", "T"), 5);
    Reply reply = conn.call("PUSHB " + List.of(nan, good, badAt));

    assertThat(reply).isInstanceOf(Reply.Bulk.class);
    JsonNode errors = JobCodec.MAPPER.readTree(((Reply.Bulk) reply).text());
    assertThat(errors.propertyNames())
        .containsExactlyInAnyOrder(nan.path("jid").asString(), badAt.path("jid").asString());
    assertThat(errors.path(nan.path("jid").asString()).asString())
        .isEqualTo("custom.expires_in must be a number of seconds, not \"NaN\"");
    assertThat(Wire.queueSize(Wire.info(conn), "q")).as("only the good job").isEqualTo(1);
  }

  private long setSize(String task) {
    return Wire.info(conn).path("faktory").path("tasks").path(task).path("size").asLong(-1);
  }

  /** {@code fabrik_jobs_expired_total{jobtype="..."}} from GET /metrics, 0 when absent. */
  private long expiredMetric(String jobtype) {
    String body = metrics();
    Matcher m =
        Pattern.compile(
                "(?m)^fabrik_jobs_expired_total\\{jobtype=\"" + jobtype + "\"} ([0-9.eE+]+)$")
            .matcher(body);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private String metrics() {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.webPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
