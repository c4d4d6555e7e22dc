package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code jobs.priority} column added in place to a database the previous schema created, and
 * queues too big for the payload cache read back in fetch order after a restart (read-ahead over
 * ids that are not ascending across levels).
 */
class SqlitePriorityUpgradeTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void aDatabaseFromBeforePrioritiesIsUpgradedOnOpenAndKeepsItsFifo() throws Exception {
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fabrik.db"));
        Statement s = c.createStatement()) {
      // the queue tables as the schema before priorities created them
      s.execute(
          "CREATE TABLE queues(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
              + " paused INTEGER NOT NULL DEFAULT 0)");
      s.execute(
          "CREATE TABLE jobs(id INTEGER PRIMARY KEY, qid INTEGER NOT NULL, jid TEXT NOT NULL,"
              + " payload BLOB NOT NULL)");
      s.execute("CREATE INDEX jobs_by_queue ON jobs(qid)");
      s.execute("INSERT INTO queues(name) VALUES ('q')");
      s.execute(
          "INSERT INTO jobs(id, qid, jid, payload) VALUES"
              + " (1, 1, 'old-1', CAST('{\"jid\":\"old-1\"}' AS BLOB)),"
              + " (2, 1, 'old-2', CAST('{\"jid\":\"old-2\",\"priority\":5}' AS BLOB)),"
              + " (3, 1, 'old-3', CAST('{\"jid\":\"old-3\"}' AS BLOB))");
    }
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      store.enqueue(List.of(job("new-9", 9), job("new-5", 5), job("new-1", 1)));
      assertThat(jids(store.browse("q", 0, 10)))
          .containsExactly("new-9", "old-1", "old-2", "old-3", "new-5", "new-1");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fabrik.db"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs'")) {
      List<String> indexes = new ArrayList<>();
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
      assertThat(indexes).containsExactly(PriorityColumn.INDEX);
    }
    // A second open finds everything in place (the upgrade is idempotent) and the same order.
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      List<String> fetched = new ArrayList<>();
      for (Optional<Reservation> r = reserve(store); r.isPresent(); r = reserve(store)) {
        fetched.add(r.get().jid());
        store.acknowledge(r.get().jid());
      }
      assertThat(fetched).containsExactly("new-9", "old-1", "old-2", "old-3", "new-5", "new-1");
    }
  }

  @Test
  void aBigMixedQueueIsFetchedInOrderAfterARestartThroughTheReadAhead() {
    Random random = new Random(12);
    List<List<String>> levels = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      levels.add(new ArrayList<>());
    }
    // A cache of 4 KB holds almost nothing: every fetch after the restart depends on read-ahead.
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH, 4096, 0)) {
      for (int batch = 0; batch < 6; batch++) {
        List<QueuedJob> jobs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          int p = random.nextInt(10) < 7 ? 5 : 1 + random.nextInt(9);
          QueuedJob j = job("b" + batch + "-" + i, p);
          jobs.add(j);
          levels.get(p).add(j.jid());
        }
        store.enqueue(jobs);
      }
    }
    List<String> expected = new ArrayList<>();
    for (int p = 9; p >= 1; p--) {
      expected.addAll(levels.get(p));
    }
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH, 1 << 20, 0)) {
      List<String> fetched = new ArrayList<>();
      for (Optional<Reservation> r = reserve(store); r.isPresent(); r = reserve(store)) {
        fetched.add(r.get().jid());
        assertThat(r.get().payload())
            .asString(StandardCharsets.UTF_8)
            .contains("\"" + r.get().jid() + "\"");
      }
      assertThat(fetched).isEqualTo(expected);
    }
  }

  private static Optional<Reservation> reserve(SqliteStore store) {
    return store.reserve(List.of("q"), "w1", T0, p -> T0.plusSeconds(60));
  }

  private static QueuedJob job(String jid, int priority) {
    byte[] payload =
        ("{\"jid\":\"" + jid + "\",\"priority\":" + priority + "}")
            .getBytes(StandardCharsets.UTF_8);
    return new QueuedJob(jid, "q", payload, priority);
  }

  private static List<String> jids(List<QueuedJob> jobs) {
    return jobs.stream().map(QueuedJob::jid).toList();
  }
}
