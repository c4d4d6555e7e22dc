package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.cron.CronFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Three server nodes on one PostgreSQL schema and one clock the test moves: the periodic work every
 * node does (cron ticks, the reservation reaper) happens once for the cluster, not once per node.
 * Beside each node's own timers, the test runs the pass on all three at the same instant (a barrier
 * releases them together), the closest race the nodes can have.
 */
class PgThreeNodeIT {
  private static final Instant START = Instant.parse("2026-12-05T18:00:05Z");

  @TempDir Path dir;

  private final SettableClock clock = new SettableClock(START);
  private final List<FabrikServer> nodes = new ArrayList<>();
  private final ExecutorService racers = Executors.newFixedThreadPool(3);
  private PgSchema schema;

  @BeforeEach
  void startThreeNodes() {
    schema = PgSchema.fresh("it_three_nodes");
    for (int i = 0; i < 3; i++) {
      FabrikServer node = new FabrikServer(schema.node().build(), clock);
      nodes.add(node);
      node.start();
    }
  }

  @AfterEach
  void stopNodes() {
    racers.shutdownNow();
    nodes.forEach(n -> n.stop(Duration.ofSeconds(10)));
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void eachCronTickFiresOnceWhateverTheNumberOfNodes() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("config").resolve("conf.d"));
    Files.writeString(
        conf.resolve("cron.toml"),
        """
        [[cron]]
          name = "every-ten"
          schedule = "*/10 * * * * *"
          [cron.job]
            type = "PgTick"
            queue = "pg-cron"
        """);
    CronFiles.Loaded loaded = CronFiles.read(conf.getParent());
    assertThat(loaded.errors()).isEmpty();
    for (FabrikServer node : nodes) {
      assertThat(node.cron().configure(loaded)).isEmpty();
    }

    int ticks = 6;
    try (ProtocolConnection conn = connect(nodes.getFirst())) {
      for (int tick = 1; tick <= ticks; tick++) {
        clock.advance(Duration.ofSeconds(10)); // one tick (…:10, :20, …) now due, 5 s ago
        race(node -> node.cron().runDue());
        // Every node has run a pass since the tick came due: its job exists exactly once.
        assertThat(Wire.queueSize(Wire.info(conn), "pg-cron"))
            .as("after tick %d", tick)
            .isEqualTo(tick);
      }
      Set<String> fired = new HashSet<>();
      for (int i = 0; i < ticks; i++) {
        JsonNode job = Wire.fetch(conn, "pg-cron");
        assertThat(job).isNotNull();
        fired.add(job.path("custom").path("cron").path("tick").asString());
        Wire.ack(conn, job.path("jid").asString());
      }
      assertThat(fired).hasSize(ticks);
      assertThat(Wire.fetch(conn, "pg-cron")).isNull();
    }
  }

  @Test
  void anExpiredReservationIsReapedOnceAndDeliveredAgainOnce() throws Exception {
    List<ProtocolConnection> conns = nodes.stream().map(PgThreeNodeIT::connect).toList();
    try {
      ObjectNode job = Wire.job("pg-reap", "Reaped", 1);
      job.put("reserve_for", 60);
      job.put("retry", 5);
      String jid = job.path("jid").asString();
      Wire.push(conns.get(0), job);
      JsonNode fetched = Wire.fetch(conns.get(1), "pg-reap");
      assertThat(fetched.path("jid").asString()).isEqualTo(jid);

      clock.advance(Duration.ofSeconds(61));
      List<Integer> reaped = race(node -> node.manager().maintenance().reapReservations());
      // The nodes' own 5 s timers may have reaped it first; never more than once in all.
      assertThat(reaped.stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(1);
      JsonNode info = Wire.info(conns.get(2));
      assertThat(info.path("faktory").path("total_failures").asLong()).isEqualTo(1);
      assertThat(info.path("faktory").path("tasks").path("Retries").path("size").asLong())
          .isEqualTo(1);
      // Its reservation is gone: a late ACK from the worker that held it (answered OK, as
      // Faktory answers an ACK of an unknown jid) neither counts it processed nor drops the retry.
      long processed = Wire.processed(info); // the expiry's failure counts as processed
      assertThat(conns.get(1).call("ACK {\"jid\":\"" + jid + "\"}")).isEqualTo(Reply.OK);
      JsonNode afterAck = Wire.info(conns.get(0));
      assertThat(Wire.processed(afterAck)).isEqualTo(processed);
      assertThat(afterAck.path("faktory").path("tasks").path("Retries").path("size").asLong())
          .isEqualTo(1);

      clock.advance(Duration.ofHours(1)); // past the first retry's backoff
      await("the retry back in its queue")
          .atMost(Duration.ofSeconds(20))
          .until(() -> Wire.queueSize(Wire.info(conns.get(0)), "pg-reap") == 1);
      List<JsonNode> got = race(node -> Wire.fetch(conns.get(nodes.indexOf(node)), "pg-reap"));
      List<JsonNode> delivered = got.stream().filter(j -> j != null).toList();
      assertThat(delivered).hasSize(1);
      assertThat(delivered.getFirst().path("jid").asString()).isEqualTo(jid);
      assertThat(delivered.getFirst().path("failure").path("retry_count").asInt()).isZero();
    } finally {
      conns.forEach(ProtocolConnection::close);
    }
  }

  /** Runs {@code pass} on every node at once and returns what each returned, in node order. */
  private <T> List<T> race(Function<FabrikServer, T> pass) throws Exception {
    CyclicBarrier together = new CyclicBarrier(nodes.size());
    List<Future<T>> futures = new ArrayList<>();
    for (FabrikServer node : nodes) {
      Callable<T> call =
          () -> {
            together.await();
            return pass.apply(node);
          };
      futures.add(racers.submit(call));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get());
    }
    return results;
  }

  private static ProtocolConnection connect(FabrikServer node) {
    return ProtocolConnection.open(
        ConnectionOptions.builder()
            .host("127.0.0.1")
            .port(node.port())
            .hostname("fabrik-it")
            .readTimeout(Duration.ofSeconds(10))
            .build());
  }
}
