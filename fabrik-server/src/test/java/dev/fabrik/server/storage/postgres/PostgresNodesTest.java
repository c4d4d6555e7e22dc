package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several server nodes (stores with pools of their own) on one schema: what the row locks, not any
 * Java lock, must get right.
 */
class PostgresNodesTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgnodes");

  private final List<PostgresStore> open = new ArrayList<>();

  private PostgresStore first() {
    PostgresStore s = schemas.newStore();
    open.add(s);
    return s;
  }

  private PostgresStore another(PostgresStore on) {
    PostgresStore s = schemas.reopen(on);
    open.add(s);
    return s;
  }

  @AfterEach
  void closeAll() {
    open.forEach(PostgresStore::close);
  }

  private static QueuedJob job(String jid, String queue) {
    return new QueuedJob(
        jid, queue, ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<Reservation> reserve(PostgresStore s, List<String> queues) {
    return s.reserve(queues, "w", T0, p -> T0.plusSeconds(60));
  }

  @Test
  void twoNodesPushingAndWorkingOneBacklogLoseAndDuplicateNothing() throws Exception {
    PostgresStore a = first();
    PostgresStore b = another(a);
    List<PostgresStore> nodes = List.of(a, b);
    int producers = 4;
    int perProducer = 500;
    int total = producers * perProducer;
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(producers * 2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int id = p;
        futures.add(
            pool.submit(
                () -> {
                  PostgresStore on = nodes.get(id % 2);
                  for (int i = 0; i < perProducer; i++) {
                    String queue = i % 2 == 0 ? "even" : "odd";
                    if (i % 3 == 0) {
                      on.enqueueAsync(List.of(job("p" + id + "-" + i, queue))).join();
                    } else {
                      on.enqueue(List.of(job("p" + id + "-" + i, queue)));
                    }
                  }
                }));
      }
      for (int c = 0; c < producers; c++) {
        int id = c;
        futures.add(
            pool.submit(
                () -> {
                  PostgresStore fetchOn = nodes.get(id % 2);
                  // The ACK goes through the other node: a worker's connections may reach any.
                  PostgresStore ackOn = nodes.get((id + 1) % 2);
                  while (done.get() < total) {
                    Optional<Reservation> r = reserve(fetchOn, List.of("even", "odd"));
                    if (r.isEmpty()) {
                      Thread.onSpinWait();
                      continue;
                    }
                    if (!acked.add(r.get().jid())) {
                      duplicates.incrementAndGet();
                    }
                    assertThat(ackOn.acknowledge(r.get().jid())).isPresent();
                    done.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(duplicates).hasValue(0);
    assertThat(acked).hasSize(total);
    for (PostgresStore s : nodes) {
      assertThat(s.counters()).isEqualTo(new Counters(total, 0));
      assertThat(s.workingSize()).isZero();
      assertThat(s.queueSizes()).isEqualTo(Map.of("even", 0L, "odd", 0L));
    }
  }

  @Test
  void queueSizesFromTheKeptCountsEqualCountingTheRows() {
    PostgresStore a = first();
    PostgresStore b = another(a);
    List<QueuedJob> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(job("j" + i, "q" + (i % 3)));
    }
    a.enqueue(batch);
    b.enqueue(batch.subList(0, 100));
    for (int i = 0; i < 50; i++) {
      reserve(i % 2 == 0 ? a : b, List.of("q0", "q1"));
    }
    b.remove(List.of("q2"));

    Map<String, Long> counted = countRows(a);
    assertThat(a.queueSizes()).isEqualTo(counted).isEqualTo(b.queueSizes());
    assertThat(counted).isEqualTo(Map.of("q0", 84L, "q1", 133L));
    assertThat(a.workingSize()).isEqualTo(50);
  }

  @Test
  void aRepeatedAckThroughTwoNodesAtOnceFinishesTheJobOnce() throws Exception {
    PostgresStore a = first();
    PostgresStore b = another(a);
    for (int round = 0; round < 20; round++) {
      String jid = "twice-" + round;
      a.enqueue(List.of(job(jid, "q")));
      reserve(b, List.of("q")).orElseThrow();
      CompletableFuture<Optional<Reservation>> viaA = a.acknowledgeAsync(jid);
      CompletableFuture<Optional<Reservation>> viaB = b.acknowledgeAsync(jid);
      int present =
          (viaA.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0)
              + (viaB.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0);
      assertThat(present).as("round " + round).isEqualTo(1);
    }
    assertThat(a.counters().processed()).isEqualTo(20);
  }

  /**
   * A node's pool ends (restart, recycled connections): its shard rows are folded into shard 0 by
   * whichever node folds next, and no total moves.
   */
  @Test
  void foldingTheRowsOfEndedConnectionsKeepsEveryTotal() {
    PostgresStore a = first();
    PostgresStore b = another(a);
    a.enqueue(List.of(job("x", "q"), job("y", "q"), job("z", "r")));
    reserve(a, List.of("q")).orElseThrow();
    a.acknowledge("x");
    reserve(a, List.of("q")).orElseThrow();
    a.fail("y", r -> new dev.fabrik.server.storage.FailureDecision.Discard());
    Map<String, Long> sizes = b.queueSizes();
    Counters counters = b.counters();
    open.remove(a);
    a.close();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              new PgShardFolding(database(b)).fold();
              assertThat(rowsOfEndedBackends(b)).isZero();
            });
    assertThat(b.queueSizes()).isEqualTo(sizes).isEqualTo(Map.of("q", 0L, "r", 1L));
    assertThat(b.counters()).isEqualTo(counters).isEqualTo(new Counters(2, 1));
  }

  private static PgDatabase database(PostgresStore s) {
    return s.database();
  }

  private static Map<String, Long> countRows(PostgresStore s) {
    return query(
        s,
        "SELECT queue, count(*) FROM {s}.jobs WHERE reserved_until_us IS NULL GROUP BY queue",
        rs -> {
          Map<String, Long> out = new java.util.TreeMap<>();
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
          return out;
        });
  }

  private static long rowsOfEndedBackends(PostgresStore s) {
    return query(
        s,
        "SELECT (SELECT count(*) FROM {s}.counters WHERE shard <> 0 AND shard NOT IN"
            + " (SELECT pid FROM pg_stat_activity)) + (SELECT count(*) FROM {s}.queue_counts"
            + " WHERE shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity))",
        rs -> {
          rs.next();
          return rs.getLong(1);
        });
  }

  private interface Rows<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> T query(PostgresStore s, String sql, Rows<T> rows) {
    PgDatabase db = s.database();
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement(db.sql(sql));
        ResultSet rs = p.executeQuery()) {
      return rows.read(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
