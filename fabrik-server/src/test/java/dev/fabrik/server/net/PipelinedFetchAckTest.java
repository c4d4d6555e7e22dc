package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FETCH and ACK pipelined on one connection, as a busy worker sends them ({@code ACK} and the next
 * {@code FETCH} in one packet, several FETCHes ahead), on several connections at once: each
 * connection gets exactly one reply per command, in command order, whichever thread answers it (the
 * event loop, a store's writer or reserver thread, a FETCH's own thread once the queue is empty). A
 * lost reply times the read out; a duplicated or reordered one puts a {@code +OK} where a job is
 * expected, a job where {@code +OK} is, or a stray reply before the closing FETCH's {@code $-1}.
 * Every eighth job has expired before it is fetched, so some FETCHes drop a job and look again.
 * Runs on every store.
 */
class PipelinedFetchAckTest {
  static final int JOBS = 240;
  static final int WORKERS = 8;

  /** FETCHes each worker keeps ahead of its ACKs. */
  static final int AHEAD = 3;

  private static final Pattern JID = Pattern.compile("\"jid\":\"(pipejob-\\d{4})\"");

  @TempDir Path dir;
  private PgDatabase schema;
  private FabrikServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (schema != null) {
      PgTestDatabase.drop(schema);
      schema.close();
    }
  }

  /** PostgreSQL gets a schema of its own, dropped once the server has stopped. */
  private ServerConfig.Builder config(String store) {
    return switch (store) {
      case "memory" -> TestServers.config();
      case "sqlite" -> TestServers.config().storage("sqlite").dataDir(dir);
      default -> {
        schema = PgTestDatabase.migrated("pipelined", 1);
        yield TestServers.config()
            .storage("postgres")
            .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4));
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "sqlite", "postgres"})
  void everyPipelinedCommandGetsItsOwnReplyOnceAndInOrder(String store) throws Exception {
    server = TestServers.start(config(store).build());
    try (RawClient producer = RawClient.producer(server.port())) {
      StringBuilder pushes = new StringBuilder();
      for (int i = 0; i < JOBS; i++) {
        // Every eighth job expired long ago: FETCH drops it and looks again (job middleware).
        String custom = expired(i) ? ",\"custom\":{\"expires_at\":\"2020-01-01T00:00:00Z\"}" : "";
        pushes.append(
            "PUSH {\"jid\":\"pipejob-%04d\",\"jobtype\":\"Pipe\",\"queue\":\"pipe\",\"args\":[]%s}\r\n"
                .formatted(i, custom));
      }
      producer.socket().setSoTimeout(30_000);
      producer.send(pushes.toString()); // pipelined too
      for (int i = 0; i < JOBS; i++) {
        assertThat(producer.readReply()).isEqualTo("+OK\r\n");
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    List<Future<List<String>>> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      String wid = "pipe-worker-" + w;
      workers.add(pool.submit(() -> work(wid)));
    }
    List<String> all = new ArrayList<>();
    for (Future<List<String>> f : workers) {
      List<String> got = f.get(60, TimeUnit.SECONDS);
      // One queue, FIFO: each FETCH of a connection starts after its previous one was answered.
      assertThat(got).isSorted();
      all.addAll(got);
    }
    pool.shutdown();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      if (!expired(i)) {
        live.add("pipejob-%04d".formatted(i));
      }
    }
    assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(live);
    try (RawClient check = RawClient.worker(server.port(), "pipe-check")) {
      check.socket().setSoTimeout(30_000);
      assertThat(check.call("FETCH pipe")).isEqualTo("$-1\r\n"); // every ACK held
    }
  }

  /**
   * One worker's conversation: AHEAD FETCHes in one packet, then for every job that comes its ACK
   * and the next FETCH in one packet, until the queue is empty. Returns the jids it got, in the
   * order it got them.
   */
  private List<String> work(String wid) throws IOException {
    List<String> got = new ArrayList<>();
    try (RawClient c = RawClient.worker(server.port(), wid)) {
      c.socket().setSoTimeout(30_000);
      ArrayDeque<String> expected = new ArrayDeque<>(); // the verbs whose replies are due
      c.send("FETCH pipe\r\n".repeat(AHEAD));
      for (int i = 0; i < AHEAD; i++) {
        expected.addLast("FETCH");
      }
      boolean empty = false;
      while (!expected.isEmpty()) {
        String reply = c.readReply();
        if (expected.pollFirst().equals("ACK")) {
          assertThat(reply).as("an ACK's reply").isEqualTo("+OK\r\n");
        } else if (reply.equals("$-1\r\n")) {
          empty = true;
        } else {
          String jid = jid(reply);
          got.add(jid);
          String next = empty ? "" : "FETCH pipe\r\n";
          c.send("ACK {\"jid\":\"" + jid + "\"}\r\n" + next);
          expected.addLast("ACK");
          if (!empty) {
            expected.addLast("FETCH");
          }
        }
      }
      // A stray reply (a duplicate) would be read here instead of this FETCH's.
      assertThat(c.call("FETCH nothing-here")).isEqualTo("$-1\r\n");
    }
    return got;
  }

  private static boolean expired(int i) {
    return i % 8 == 3;
  }

  private static String jid(String reply) {
    Matcher m = JID.matcher(reply);
    assertThat(m.find()).as("a job, not %s", reply).isTrue();
    return m.group(1);
  }
}
