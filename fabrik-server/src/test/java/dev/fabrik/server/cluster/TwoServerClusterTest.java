package dev.fabrik.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.manager.ManagerProbe;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two real servers (ephemeral ports) on one PostgreSQL schema behave as one: a FETCH blocked on B
 * takes a job pushed on A at once; a worker connected to B is quieted through A's admin API and its
 * next BEAT on B says so; both list the same workers and both nodes.
 */
class TwoServerClusterTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private PgDatabase schema;
  private FabrikServer a;
  private FabrikServer b;

  @BeforeEach
  void startTwoNodes() {
    schema = PgTestDatabase.migrated("two_servers", 1);
    a = node();
    b = node();
  }

  private FabrikServer node() {
    return TestServers.start(
        TestServers.config()
            .webPort(0)
            .storage("postgres")
            .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4))
            // Long enough that a FETCH answered within a second was woken, not timed out.
            .fetchWait(Duration.ofSeconds(10))
            .build());
  }

  @AfterEach
  void stop() {
    http.close();
    for (FabrikServer s : new FabrikServer[] {a, b}) {
      if (s != null) {
        s.stop(Duration.ofSeconds(5));
      }
    }
    if (schema != null) {
      PgTestDatabase.drop(schema);
      schema.close();
    }
  }

  @Test
  void aFetchBlockedOnBTakesAJobPushedOnAWithinASecond() throws Exception {
    try (RawClient worker = RawClient.worker(b.port(), "w-fetch");
        RawClient producer = RawClient.producer(a.port())) {
      CompletableFuture<String> fetched =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return worker.bulk("FETCH cluster");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ManagerProbe.waitingFetches(b.manager(), "cluster") == 1);
      long start = System.nanoTime();
      assertThat(
              producer.call(
                  "PUSH {\"jid\":\"jid-across\",\"jobtype\":\"T\",\"args\":[],\"queue\":\"cluster\"}"))
          .isEqualTo("+OK\r\n");
      String job = fetched.get(5, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(JobCodec.decode(job).jid()).isEqualTo("jid-across");
      assertThat(took).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void aWorkerOnBIsQuietedThroughAAndItsNextBeatOnBSaysQuiet() throws Exception {
    try (RawClient worker = RawClient.worker(b.port(), "w-quiet")) {
      assertThat(worker.call("BEAT {\"wid\":\"w-quiet\"}")).isEqualTo("+OK\r\n");
      // A holds no connection of w-quiet, yet lists it and signals it.
      JsonNode listed = get(a, "/api/workers");
      assertThat(listed.findValuesAsString("wid")).containsExactly("w-quiet");
      HttpResponse<String> quiet = post(a, "/api/workers/w-quiet/quiet");
      assertThat(quiet.statusCode()).isEqualTo(200);
      assertThat(quiet.body()).isEqualTo("{\"signal\":\"quiet\",\"signaled\":1}");
      assertThat(worker.call("BEAT {\"wid\":\"w-quiet\"}"))
          .isEqualTo("$17\r\n{\"state\":\"quiet\"}\r\n");
      // Terminate through A's "all" as well: forward-only, seen on B's next beat.
      assertThat(post(a, "/api/workers/all/terminate").statusCode()).isEqualTo(200);
      assertThat(worker.call("BEAT {\"wid\":\"w-quiet\"}"))
          .isEqualTo("$21\r\n{\"state\":\"terminate\"}\r\n");
    }
  }

  @Test
  void bothNodesListBothNodes() throws Exception {
    for (FabrikServer s : new FabrikServer[] {a, b}) {
      JsonNode nodes = get(s, "/api/nodes");
      assertThat(nodes.get("live").asInt()).isEqualTo(2);
      assertThat(nodes.get("gone").asInt()).isZero();
      assertThat(nodes.get("nodes").findValuesAsString("id"))
          .containsExactlyInAnyOrder(a.nodes().id(), b.nodes().id());
      try (RawClient c = RawClient.producer(s.port())) {
        JsonNode info = JobCodec.MAPPER.readTree(c.bulk("INFO"));
        assertThat(info.path("server").path("nodes")).hasSize(2);
      }
    }
    String busyPage = send(b, HttpRequest.newBuilder(uri(b, "/busy"))).body();
    assertThat(busyPage).contains("Server nodes (2)", a.nodes().id(), b.nodes().id(), "this node");
    String metrics = send(a, HttpRequest.newBuilder(uri(a, "/metrics"))).body();
    assertThat(metrics).contains("fabrik_nodes{state=\"live\"} 2.0");
  }

  private URI uri(FabrikServer s, String path) {
    return URI.create("http://127.0.0.1:" + s.webPort() + path);
  }

  private HttpResponse<String> send(FabrikServer s, HttpRequest.Builder r) throws Exception {
    return http.send(
        r.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(FabrikServer s, String path) throws Exception {
    HttpResponse<String> r = send(s, HttpRequest.newBuilder(uri(s, path)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JobCodec.MAPPER.readTree(r.body());
  }

  private HttpResponse<String> post(FabrikServer s, String path) throws Exception {
    String token = get(s, "/api/csrf").get("token").asString();
    return send(
        s,
        HttpRequest.newBuilder(uri(s, path))
            .header("X-CSRF-Token", token)
            .POST(HttpRequest.BodyPublishers.noBody()));
  }
}
