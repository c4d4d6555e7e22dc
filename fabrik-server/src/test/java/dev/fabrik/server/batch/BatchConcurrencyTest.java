package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Many connections finishing the jobs of one batch at once, on one SQLite node and on two
 * PostgreSQL nodes sharing a schema: the counts come out exact and each callback is pushed exactly
 * once.
 */
class BatchConcurrencyTest {
  private static final String CALLBACKS =
      "{\"success\":{\"jobtype\":\"Ok\",\"queue\":\"callbacks\"},"
          + "\"complete\":{\"jobtype\":\"Done\",\"queue\":\"callbacks\"}}";

  @TempDir Path dir;

  @Test
  void sixteenConnectionsDrainingTwoThousandJobsFireEachCallbackOnce() throws Exception {
    try (FabrikServer server =
        TestServers.start(TestServers.config().storage("sqlite").dataDir(dir).build())) {
      int jobs = 2000;
      String bid = fill(server.port(), jobs, 500);
      int[] acked = drain(List.of(server.port()), 16);
      assertThat(acked[0]).isEqualTo(jobs);
      assertCallbacksOnce(List.of(server), bid, jobs);
    }
  }

  @Test
  void twoPostgresNodesAckingMembersOfOneBatchFireEachCallbackOnce() throws Exception {
    PgDatabase schema = PgTestDatabase.migrated("batch_nodes", 1);
    try {
      ServerConfig config =
          TestServers.config()
              .storage("postgres")
              .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 6))
              .build();
      try (FabrikServer a = TestServers.start(config);
          FabrikServer b = TestServers.start(config)) {
        int jobs = 400;
        String bid = fill(a.port(), jobs, 200);
        int[] acked = drain(List.of(a.port(), b.port()), 8);
        assertThat(acked[0]).isEqualTo(jobs);
        // Both nodes ACKed members: the last member may have finished on either.
        assertThat(acked[1]).isPositive();
        assertThat(acked[2]).isPositive();
        assertCallbacksOnce(List.of(a, b), bid, jobs);
      }
    } finally {
      PgTestDatabase.drop(schema);
      schema.close();
    }
  }

  /**
   * Node B saw the batch open a moment ago (its cache says open for two seconds); node A commits
   * it; B's next push into it is refused at once, nothing stored, the counts untouched.
   */
  @Test
  void aPushReachingAnotherNodeJustAfterTheCommitIsRefused() throws Exception {
    PgDatabase schema = PgTestDatabase.migrated("batch_commit", 1);
    try {
      ServerConfig config =
          TestServers.config()
              .storage("postgres")
              .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4))
              .build();
      try (FabrikServer a = TestServers.start(config);
          FabrikServer b = TestServers.start(config);
          RawClient onA = RawClient.producer(a.port());
          RawClient onB = RawClient.producer(b.port())) {
        String reply = onA.call("BATCH NEW " + CALLBACKS);
        String bid = reply.substring(1, reply.length() - 2);
        assertThat(onB.call(member("member-1", bid))).isEqualTo("+OK\r\n");
        assertThat(onA.call("BATCH COMMIT " + bid)).isEqualTo("+OK\r\n");

        assertThat(onB.call(member("member-2", bid)))
            .startsWith("-ERR batch " + bid + " is committed");
        JsonNode s = JobCodec.MAPPER.readTree(onB.bulk("BATCH STATUS " + bid));
        assertThat(s.path("total").asLong()).isEqualTo(1);
        assertThat(a.manager().stats().queues().get("default"))
            .as("member-2 not stored")
            .isEqualTo(1L);
      }
    } finally {
      PgTestDatabase.drop(schema);
      schema.close();
    }
  }

  private static String member(String jid, String bid) {
    return "PUSH {\"jid\":\""
        + jid
        + "\",\"jobtype\":\"W\",\"args\":[],\"custom\":{\"bid\":\""
        + bid
        + "\"}}";
  }

  /** A committed batch of {@code jobs} jobs pushed with PUSHB in chunks; returns its bid. */
  private static String fill(int port, int jobs, int chunk) throws IOException {
    try (RawClient c = RawClient.producer(port)) {
      String reply = c.call("BATCH NEW " + CALLBACKS);
      String bid = reply.substring(1, reply.length() - 2);
      for (int start = 0; start < jobs; start += chunk) {
        StringBuilder body = new StringBuilder("PUSHB [");
        for (int i = start; i < Math.min(jobs, start + chunk); i++) {
          if (i > start) {
            body.append(',');
          }
          body.append("{\"jid\":\"member-")
              .append(i)
              .append("\",\"jobtype\":\"W\",\"args\":[],\"custom\":{\"bid\":\"")
              .append(bid)
              .append("\"}}");
        }
        assertThat(c.bulk(body.append(']').toString())).isEqualTo("{}");
      }
      assertThat(c.call("BATCH COMMIT " + bid)).isEqualTo("+OK\r\n");
      return bid;
    }
  }

  /**
   * {@code connections} workers spread over the ports FETCH and ACK until the queue is empty;
   * returns {total, acked through the first port, acked through the second}.
   */
  private static int[] drain(List<Integer> ports, int connections) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        int port = ports.get(i % ports.size());
        String wid = "w" + i;
        Callable<Integer> worker =
            () -> {
              int n = 0;
              try (RawClient w = RawClient.worker(port, wid)) {
                while (true) {
                  String reply = w.call("FETCH default");
                  if (reply.equals("$-1\r\n")) {
                    return n;
                  }
                  String json = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
                  String jid = JobCodec.MAPPER.readTree(json).path("jid").asString();
                  assertThat(w.call("ACK {\"jid\":\"" + jid + "\"}")).isEqualTo("+OK\r\n");
                  n++;
                }
              }
            };
        done.add(pool.submit(worker));
      }
      int[] counts = new int[3];
      for (int i = 0; i < done.size(); i++) {
        int n = done.get(i).get();
        counts[0] += n;
        counts[1 + i % ports.size()] += n;
      }
      return counts;
    } finally {
      pool.shutdown();
    }
  }

  private static void assertCallbacksOnce(List<FabrikServer> nodes, String bid, int jobs)
      throws IOException {
    try (RawClient c = RawClient.worker(nodes.getFirst().port(), "checker")) {
      JsonNode s = null;
      for (FabrikServer node : nodes) {
        // STATUS on each node waits for the outcomes that node saw.
        try (RawClient n = RawClient.producer(node.port())) {
          s = JobCodec.MAPPER.readTree(n.bulk("BATCH STATUS " + bid));
        }
      }
      assertThat(s.path("total").asLong()).isEqualTo(jobs);
      assertThat(s.path("pending").asLong()).isZero();
      assertThat(s.path("failed").asLong()).isZero();
      assertThat(s.path("complete_st").asString()).isEqualTo("1");
      assertThat(nodes.stream().mapToLong(n -> n.batches().callbacksPushed()).sum()).isEqualTo(1);

      JsonNode done = JobCodec.MAPPER.readTree(c.bulk("FETCH callbacks"));
      assertThat(done.path("jobtype").asString()).isEqualTo("Done");
      assertThat(c.call("ACK {\"jid\":\"" + done.path("jid").asString() + "\"}"))
          .isEqualTo("+OK\r\n");
      JsonNode ok = JobCodec.MAPPER.readTree(c.bulk("FETCH callbacks"));
      assertThat(ok.path("jobtype").asString()).isEqualTo("Ok");
      assertThat(c.call("FETCH callbacks")).isEqualTo("$-1\r\n");
      assertThat(nodes.stream().mapToLong(n -> n.batches().callbacksPushed()).sum()).isEqualTo(2);
    }
  }
}
