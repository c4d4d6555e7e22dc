package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.NotUniqueException;
import dev.fabrik.client.UniqueUntil;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Unique jobs (spec §8.1) end to end: the npm client and the Java client see NOTUNIQUE, many
 * connections racing to push one job store it exactly once, and a lock whose PUSH was answered
 * survives {@code kill -9}.
 */
class UniqueJobsIT {
  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(40);
  private static final Reply NOT_UNIQUE = new Reply.Error("NOTUNIQUE", "Job not unique");

  @TempDir Path dataDir;

  private static ObjectNode uniqueJob(String queue, long n, int seconds) {
    ObjectNode job = Wire.job(queue, "UniqueReport", n);
    job.putObject("custom").put("unique_for", seconds);
    return job;
  }

  @Test
  void theNodeClientSeesNotUniqueOnPushAndInPushBulk() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir)) {
      JsonNode ok = NodeScript.run("unique.js", server.url(), NODE_TIMEOUT);

      assertThat(ok.path("notUnique").asString()).isEqualTo("NOTUNIQUE Job not unique");
      assertThat(ok.path("bulkReason").asString()).isEqualTo("NOTUNIQUE Job not unique");
      assertThat(ok.path("ran").toString())
          .isEqualTo("[\"report-1\",\"report-1\",\"report-2\",\"starting\",\"starting\"]");
    }
  }

  @Test
  void theJavaClientThrowsNotUniqueAndReportsItInPushBulk() {
    try (InProcessServer server = InProcessServer.defaultStore(dataDir);
        Client client = Client.connect(ClientConfig.builder().url(server.url()).build())) {
      Job first = Jobs.builder("Invoice").args(42).uniqueFor(Duration.ofMinutes(5)).build();
      client.push(first);

      assertThatThrownBy(
              () ->
                  client.push(
                      Jobs.builder("Invoice").args(42).uniqueFor(Duration.ofMinutes(5)).build()))
          .isInstanceOfSatisfying(
              NotUniqueException.class,
              e -> assertThat(e.serverMessage()).isEqualTo("Job not unique"));
      Job duplicate = Jobs.builder("Invoice").args(42).uniqueFor(Duration.ofMinutes(5)).build();
      Job other = Jobs.builder("Invoice").args(43).uniqueFor(Duration.ofMinutes(5)).build();
      assertThat(client.pushBulk(List.of(duplicate, other)))
          .isEqualTo(Map.of(duplicate.jid(), "NOTUNIQUE Job not unique"));

      // unique_until start: the fetch gives the lock back.
      client.push(
          Jobs.builder("Invoice")
              .args(44)
              .queue("starts")
              .uniqueFor(Duration.ofMinutes(5))
              .uniqueUntil(UniqueUntil.START)
              .build());
      assertThat(client.fetch("starts")).isPresent();
      client.push(
          Jobs.builder("Invoice")
              .args(44)
              .queue("starts")
              .uniqueFor(Duration.ofMinutes(5))
              .uniqueUntil(UniqueUntil.START)
              .build());

      // The default: the ACK gives it back.
      Job fetched = client.fetch("default").orElseThrow();
      assertThat(fetched.jid()).isEqualTo(first.jid());
      client.ack(fetched.jid());
      client.push(Jobs.builder("Invoice").args(42).uniqueFor(Duration.ofMinutes(5)).build());
      assertThat(client.isBroken()).isFalse();
    }
  }

  @Test
  void manyConnectionsPushingOneUniqueJobAtOnceStoreItExactlyOnce() throws Exception {
    int connections = 24;
    int rounds = 20;
    try (InProcessServer server = InProcessServer.defaultStore(dataDir)) {
      List<ProtocolConnection> conns = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(connections);
      try {
        for (int i = 0; i < connections; i++) {
          conns.add(server.connect());
        }
        for (int round = 0; round < rounds; round++) {
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Reply>> replies = new ArrayList<>();
          for (ProtocolConnection conn : conns) {
            String line = "PUSH " + uniqueJob("race", round, 300);
            replies.add(
                pool.submit(
                    () -> {
                      go.await();
                      return conn.call(line);
                    }));
          }
          go.countDown();
          int ok = 0;
          for (Future<Reply> reply : replies) {
            Reply r = reply.get();
            if (Reply.OK.equals(r)) {
              ok++;
            } else {
              assertThat(r).isEqualTo(NOT_UNIQUE);
            }
          }
          assertThat(ok).as("round %d", round).isEqualTo(1);
        }
        assertThat(Wire.queueSize(Wire.info(conns.getFirst()), "race")).isEqualTo(rounds);
      } finally {
        pool.shutdownNow();
        conns.forEach(ProtocolConnection::close);
      }
    }
  }

  @ParameterizedTest(name = "durability {0}")
  @ValueSource(strings = {"normal", "strict"})
  void anAnsweredUniquePushKeepsItsLockThroughKillMinus9(String durability) {
    List<String> args = List.of("--durability", durability);
    ObjectNode job = uniqueJob("crash-unique", 1, 3600);
    try (ServerProcess first = ServerProcess.start(dataDir, args)) {
      try (ProtocolConnection conn = first.connect()) {
        Wire.push(conn, job);
      }
      first.kill();
    }
    try (ServerProcess second = ServerProcess.start(dataDir, args);
        ProtocolConnection conn = second.connect()) {
      assertThat(conn.call("PUSH " + uniqueJob("crash-unique", 1, 3600))).isEqualTo(NOT_UNIQUE);
      JsonNode fetched = Wire.fetch(conn, "crash-unique");
      assertThat(fetched.path("jid").asString()).isEqualTo(job.path("jid").asString());
      // Fetched but not acknowledged: still held; acknowledged: free again.
      assertThat(conn.call("PUSH " + uniqueJob("crash-unique", 1, 3600))).isEqualTo(NOT_UNIQUE);
      Wire.ack(conn, fetched.path("jid").asString());
      Wire.push(conn, uniqueJob("crash-unique", 1, 3600));
    }
  }
}
