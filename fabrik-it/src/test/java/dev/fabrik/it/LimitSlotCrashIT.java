package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Concurrency-limit slots across a {@code kill -9} of the node whose workers hold them (a queue
 * limited to {@value #LIMIT} in flight, with a slot {@code timeout} of {@link #SLOT_TIMEOUT}):
 *
 * <ul>
 *   <li>SQLite: the restarted server holds no slot (its reservations were in memory, the jobs are
 *       queued again) and still hands out at most {@value #LIMIT} at once; every job runs.
 *   <li>PostgreSQL: a second node keeps serving. The killed node's slots stay taken until their
 *       timeout (no job reaches the second node before it) and come back then; the second node
 *       never goes past the limit; the killed node's own jobs return when their reservation ({@code
 *       reserve_for} 60 s) ends, so every job runs.
 * </ul>
 *
 * "At most {@value #LIMIT} at once" is checked where it can fail: while {@value #LIMIT} jobs are
 * held, one more FETCH (which waits out the server's fetch wait) must come back empty.
 */
class LimitSlotCrashIT {
  private static final int LIMIT = 2;
  private static final int JOBS = 6;
  private static final Duration SLOT_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration RESERVE_FOR = Duration.ofSeconds(60);
  private static final String QUEUE = "limited";

  @TempDir Path dataDir;
  @TempDir Path configDir;

  @Test
  void aRestartedSqliteServerHoldsNoSlotAndKeepsTheLimit() throws IOException {
    List<String> flags = limitedQueueConfig();
    Set<String> pushed;
    try (ServerProcess first = ServerProcess.start(dataDir, flags)) {
      pushed = pushJobs(first);
      List<ProtocolConnection> workers = connect(first, LIMIT + 1);
      holdTheLimit(workers);
      first.kill();
    }
    try (ServerProcess second = ServerProcess.start(dataDir, flags)) {
      Set<String> ran = new HashSet<>();
      drainAtLimit(second, ran, pushed, Duration.ofSeconds(60));
      assertThat(ran).as("every job ran after the restart").isEqualTo(pushed);
    }
  }

  @Test
  void aKilledNodesSlotsFreeAtTheirTimeoutAndNotBefore() throws IOException {
    List<String> config = limitedQueueConfig();
    try (PgSchema schema = PgSchema.fresh("it_limit_crash")) {
      List<String> flags = new ArrayList<>(config);
      flags.addAll(schema.flags());
      try (ServerProcess a = ServerProcess.start(dataDir, flags);
          ServerProcess b = ServerProcess.start(dataDir, flags)) {
        Set<String> pushed = pushJobs(a);
        long beforeSlotsTaken = System.nanoTime();
        holdTheLimit(connect(a, LIMIT + 1));
        a.kill();

        Set<String> ran = new HashSet<>();
        try (ProtocolConnection waiting = b.connect()) {
          JsonNode first = null;
          while (first == null) {
            first = Wire.fetch(waiting, QUEUE); // each empty answer waited out the fetch wait
          }
          long waited = System.nanoTime() - beforeSlotsTaken;
          assertThat(Duration.ofNanos(waited))
              .as("the killed node's slots were held until their timeout")
              .isGreaterThanOrEqualTo(SLOT_TIMEOUT);
          Wire.ack(waiting, first.path("jid").asString());
          ran.add(first.path("jid").asString());
        }
        drainAtLimit(b, ran, pushed, RESERVE_FOR.plusSeconds(90));
        assertThat(ran)
            .as("every job ran, the killed node's after their reservation")
            .isEqualTo(pushed);
      }
    }
  }

  /** {@code --config-dir} with conf.d limiting {@link #QUEUE}. */
  private List<String> limitedQueueConfig() throws IOException {
    Path confD = Files.createDirectories(configDir.resolve("conf.d"));
    Files.writeString(
        confD.resolve("throttles.toml"),
        "[throttles]\n"
            + QUEUE
            + " = { concurrency = "
            + LIMIT
            + ", timeout = "
            + SLOT_TIMEOUT.toSeconds()
            + " }\n");
    return List.of("--config-dir", configDir.toString());
  }

  private static Set<String> pushJobs(ServerProcess server) {
    Set<String> jids = new HashSet<>();
    try (ProtocolConnection conn = server.connect()) {
      for (int i = 0; i < JOBS; i++) {
        ObjectNode job = Wire.job(QUEUE, "Limited", i);
        job.put("reserve_for", RESERVE_FOR.toSeconds());
        Wire.push(conn, job);
        jids.add(job.path("jid").asString());
      }
    }
    return jids;
  }

  /** The first {@value #LIMIT} workers take a job each; the last one gets none. */
  private static void holdTheLimit(List<ProtocolConnection> workers) {
    for (int i = 0; i < LIMIT; i++) {
      assertThat(Wire.fetch(workers.get(i), QUEUE)).as("worker %d gets a job", i).isNotNull();
    }
    assertThat(Wire.fetch(workers.get(LIMIT), QUEUE)).as("a FETCH past the limit").isNull();
  }

  /**
   * Rounds of {@value #LIMIT} FETCHes and their ACKs until {@code ran} holds every job of {@code
   * pushed}; in a round that got {@value #LIMIT} jobs, one more FETCH must get none.
   */
  private static void drainAtLimit(
      ServerProcess server, Set<String> ran, Set<String> pushed, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    List<ProtocolConnection> workers = connect(server, LIMIT + 1);
    try {
      while (!ran.containsAll(pushed) && System.nanoTime() < deadline) {
        List<JsonNode> held = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
          JsonNode job = Wire.fetch(workers.get(i), QUEUE);
          if (job != null) {
            held.add(job);
          }
        }
        if (held.size() == LIMIT) {
          assertThat(Wire.fetch(workers.get(LIMIT), QUEUE)).as("a FETCH past the limit").isNull();
        }
        for (int i = 0; i < held.size(); i++) {
          String jid = held.get(i).path("jid").asString();
          Wire.ack(workers.get(i), jid);
          ran.add(jid);
        }
      }
    } finally {
      workers.forEach(ProtocolConnection::close);
    }
  }

  private static List<ProtocolConnection> connect(ServerProcess server, int n) {
    List<ProtocolConnection> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(server.connect());
    }
    return out;
  }
}
