package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The set sizes kept by the triggers on {@code set_entries} in {@code set_counts} against {@code
 * count(*)}: after every kind of write, from several nodes at once, from SQL outside Fabrik, over a
 * rollback and over the folding of ended connections' shards.
 */
class PgSetCountsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final SetName[] SETS = SetName.values();

  private final List<PgDatabase> pools = new ArrayList<>();
  private PgDatabase db;
  private PgSets sets;

  @BeforeEach
  void open() {
    db = PgTestDatabase.migrated("pgsetcounts", 4);
    pools.add(db);
    sets = on(db);
  }

  @AfterEach
  void close() {
    PgTestDatabase.drop(db);
    pools.forEach(PgDatabase::close);
  }

  private PgDatabase pool() {
    PgDatabase own = PgDatabase.open(PgTestDatabase.url(), db.schema(), 3);
    pools.add(own);
    return own;
  }

  private static PgSets on(PgDatabase pool) {
    return new PgSets(pool, new PgInserts(pool), (q, n) -> {});
  }

  private static SetEntry entry(SetName set, Instant score, String jid) {
    byte[] payload =
        ("{\"jid\":\"" + jid + "\",\"jobtype\":\"T\"}").getBytes(StandardCharsets.UTF_8);
    return new SetEntry(set, score, jid, "q" + (jid.hashCode() & 3), payload);
  }

  @Test
  @Timeout(120)
  void twoNodesWritingAtRandomLeaveEverySizeEqualToItsCount() throws Exception {
    List<PgSets> nodes = List.of(sets, on(pool()));
    int threadsPerNode = 2;
    CyclicBarrier start = new CyclicBarrier(nodes.size() * threadsPerNode);
    ExecutorService threads = Executors.newFixedThreadPool(nodes.size() * threadsPerNode);
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      int thread = 0;
      for (PgSets node : nodes) {
        for (int t = 0; t < threadsPerNode; t++) {
          long seed = 13L * 1000 + thread++;
          runs.add(
              threads.submit(
                  (Callable<Integer>)
                      () -> {
                        start.await();
                        return randomWrites(node, new Random(seed), "t" + seed + "-", 150);
                      }));
        }
      }
      for (Future<Integer> run : runs) {
        assertThat(run.get()).isEqualTo(150);
      }
    } finally {
      threads.shutdownNow();
    }
    Map<SetName, Long> counted = counted();
    assertThat(counted.values().stream().mapToLong(Long::longValue).sum())
        .as("the random writes leave entries behind, or the comparison shows little")
        .isGreaterThan(100);
    assertThat(sizes()).isEqualTo(counted);
    assertThat(shardRows()).as("one row per set and writing backend").isGreaterThan(3);
  }

  /** One random operation after another on {@code node}; returns how many it ran. */
  private static int randomWrites(PgSets node, Random random, String prefix, int ops) {
    for (int op = 0; op < ops; op++) {
      SetName set = SETS[random.nextInt(SETS.length)];
      Instant at = T0.plusSeconds(random.nextInt(100));
      try {
        randomWrite(node, random, set, at, prefix + op + "-");
      } catch (StorageException e) {
        // Two multi-row DELETEs locking shared entries in different orders (trim by score, a
        // mutation by seq) can deadlock; PostgreSQL aborts one, which must leave the sizes exact.
        if (!String.valueOf(e.getMessage()).contains("deadlock detected")) {
          throw e;
        }
      }
    }
    return ops;
  }

  private static void randomWrite(
      PgSets node, Random random, SetName set, Instant at, String prefix) {
    int serial = 0;
    switch (random.nextInt(8)) {
      case 0, 1, 2 -> {
        List<SetEntry> batch = new ArrayList<>();
        for (int i = random.nextInt(40); i >= 0; i--) {
          batch.add(entry(SETS[random.nextInt(SETS.length)], at.plusSeconds(i), prefix + serial++));
        }
        node.addAll(batch);
      }
      case 3 ->
          node.enqueueDue(set, at, 1 + random.nextInt(30), p -> random.nextInt(5) == 0 ? null : p);
      case 4 -> {
        int pick = random.nextInt(3);
        Mutation mutation =
            switch (random.nextInt(3)) {
              case 0 -> new Mutation.Kill(at.plusSeconds(3600)); // within dead too: -1 +1
              case 1 -> new Mutation.Requeue();
              default -> new Mutation.Delete();
            };
        node.mutate(set, e -> (e.jid().hashCode() & 7) == pick, mutation);
      }
      case 5 -> node.trim(set, 20 + random.nextInt(60));
      default -> node.purgeDue(set, at, 1 + random.nextInt(20));
    }
  }

  @Test
  void writesFromPlainSqlAreCountedAndARollbackLeavesNoTrace() throws SQLException {
    sets.addAll(List.of(entry(SetName.RETRIES, T0, "a"), entry(SetName.RETRIES, T0, "b")));
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(
            db.sql(
                "INSERT INTO {s}.set_entries (set_name, score_us, jid, queue, payload)"
                    + " SELECT 'dead', i, 'x' || i, 'q', '\\x7b7d' FROM generate_series(1, 5) i"));
        s.executeUpdate(db.sql("DELETE FROM {s}.set_entries WHERE jid = 'a'"));
        assertThat(size(c, SetName.DEAD)).as("this transaction sees its own writes").isEqualTo(5);
        assertThat(sets.size(SetName.DEAD)).as("others see nothing yet").isZero();
        c.rollback();
        s.executeUpdate(
            db.sql(
                "INSERT INTO {s}.set_entries (set_name, score_us, jid, queue, payload)"
                    + " VALUES ('scheduled', 1, 's', 'q', '\\x7b7d')"));
        s.executeUpdate(db.sql("UPDATE {s}.set_entries SET set_name = 'dead' WHERE jid = 'b'"));
        c.commit();
      }
    }
    assertThat(sizes()).isEqualTo(counted()).isEqualTo(sizesOf(1, 1, 1));
  }

  @Test
  void foldingTheShardsOfEndedConnectionsKeepsEverySize() throws SQLException {
    PgDatabase other = pool();
    PgSets node = on(other);
    List<SetEntry> batch = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      batch.add(entry(SETS[i % 3], T0.plusSeconds(i), "f" + i));
    }
    node.addAll(batch);
    node.trim(SetName.DEAD, 4);
    Map<SetName, Long> before = sizes();
    assertThat(before).isEqualTo(sizesOf(10, 10, 4));
    other.close();
    pools.remove(other);

    // pg_stat_activity drops an ended backend a moment after its socket closes: fold until then
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              new PgShardFolding(db).fold();
              assertThat(rowsOfEndedBackends()).isZero();
            });
    assertThat(sizes()).isEqualTo(before).isEqualTo(counted());
  }

  // ---------------------------------------------------------------- reading back

  private Map<SetName, Long> sizes() {
    Map<SetName, Long> out = new EnumMap<>(SetName.class);
    for (SetName set : SETS) {
      out.put(set, sets.size(set));
    }
    return out;
  }

  private static Map<SetName, Long> sizesOf(long scheduled, long retries, long dead) {
    return new EnumMap<>(
        Map.of(SetName.SCHEDULED, scheduled, SetName.RETRIES, retries, SetName.DEAD, dead));
  }

  private Map<SetName, Long> counted() throws SQLException {
    Map<SetName, Long> out = new EnumMap<>(SetName.class);
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(db.sql("SELECT count(*) FROM {s}.set_entries WHERE set_name = ?"))) {
      for (SetName set : SETS) {
        ps.setString(1, set.wireName());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          out.put(set, rs.getLong(1));
        }
      }
    }
    return out;
  }

  private long size(Connection c, SetName set) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(db.sql(PgSetMoves.SIZE))) {
      ps.setString(1, set.wireName());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private long shardRows() throws SQLException {
    return single("SELECT count(*) FROM {s}.set_counts");
  }

  private long rowsOfEndedBackends() throws SQLException {
    return single(
        "SELECT count(*) FROM {s}.set_counts"
            + " WHERE shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity)");
  }

  private long single(String sql) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(db.sql(sql));
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
