package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.triage.FailureGroup;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sharded tables stay bounded when connections come and go: the rows of ended backends fold
 * into shard 0, and what folds to zero (a removed queue, a failure group whose entries have all
 * left) leaves no row at all, while every figure read stays the same.
 */
class PgShardFoldingTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String KEPT = "aaaaaaaaaaaaaaaa";
  private static final String EMPTIED = "bbbbbbbbbbbbbbbb";

  private final List<PgDatabase> pools = new ArrayList<>();
  private PgDatabase db;

  @BeforeEach
  void open() {
    db = PgTestDatabase.migrated("pgfolding", 2);
    pools.add(db);
  }

  @AfterEach
  void close() {
    PgTestDatabase.drop(db);
    pools.forEach(PgDatabase::close);
  }

  @Test
  void failureGroupsOfEndedConnectionsFoldToOneRowAndAnEmptiedGroupToNone() throws SQLException {
    PgDatabase failing = pool();
    PgDatabase retrying = pool();
    new PgSets(failing, new PgInserts(failing), (q, n) -> {})
        .addAll(
            List.of(
                failed("a1", "T", KEPT, "first", 1),
                failed("a2", "T", KEPT, "second", 2),
                failed("a3", "U", KEPT, "third", 3),
                failed("b1", "T", EMPTIED, "gone", 4),
                failed("b2", "T", EMPTIED, "gone too", 5)));
    // Another backend takes entries out (as the retry mover does): its shard holds the -1s.
    execute(retrying, "DELETE FROM {s}.set_entries WHERE jid IN ('a1', 'b1', 'b2')");
    PgFailureGroups groups = new PgFailureGroups(db);
    List<FailureGroup> before = groups.groups(SetName.RETRIES, FailureGroup.Order.COUNT, 10);
    assertThat(before).singleElement().satisfies(g -> assertThat(g.count()).isEqualTo(2));
    // KEPT +3 and EMPTIED +2 on one shard, KEPT -1 and EMPTIED -2 on the other: none is zero
    assertThat(rows("failure_groups")).isEqualTo(4);
    end(failing);
    end(retrying);

    foldUntilNoEndedBackendsRowsIn("failure_groups", "failure_group_types");

    assertThat(groups.groups(SetName.RETRIES, FailureGroup.Order.COUNT, 10)).isEqualTo(before);
    assertThat(groups.group(SetName.RETRIES, EMPTIED)).isEmpty();
    assertThat(rows("failure_groups")).isEqualTo(1);
    assertThat(rows("failure_group_types")).isEqualTo(2); // KEPT's T and U
  }

  @Test
  void aRemovedQueueLeavesNoCountRowOnceItsConnectionsHaveEnded() throws SQLException {
    pushTwoQueuesAndRemoveOneOnConnectionsThatEnd();

    foldUntilNoEndedBackendsRowsIn("queue_counts");

    assertThat(new PgQueues(db).sizes()).isEqualTo(Map.of("kept", 2L));
    assertThat(rows("queue_counts")).isEqualTo(1);
  }

  @Test
  void theStoresFoldingServiceFoldsWithoutTheReaper() throws SQLException {
    pushTwoQueuesAndRemoveOneOnConnectionsThatEnd();
    // Once PostgreSQL lists neither backend, the fold the service runs at start takes their rows.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(rowsOfLiveBackendsIn("queue_counts")).isZero());

    PostgresStore store =
        PostgresStore.openWithoutListening(PgDatabase.open(PgTestDatabase.url(), db.schema(), 4));
    try {
      assertThat(store.services()).singleElement().isInstanceOf(PgShardFoldingService.class);
      store.services().forEach(Service::start);

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(rows("queue_counts")).isEqualTo(1));
      assertThat(store.queueSizes()).isEqualTo(Map.of("kept", 2L));
    } finally {
      store.services().forEach(s -> s.stop(Duration.ofSeconds(10)));
      store.close();
    }
  }

  @Test
  void aFoldSkipsItsTurnWhileAnotherNodeFolds() throws SQLException {
    PgShardFolding folding = new PgShardFolding(db);
    try (Connection other = pool().connection()) {
      other.setAutoCommit(false);
      try (Statement s = other.createStatement()) {
        // What another node's fold holds for the length of its transaction.
        s.execute("SELECT pg_advisory_xact_lock(hashtext('" + db.schema() + " shard folding'), 0)");
      }
      assertThat(folding.fold()).isFalse();
      other.commit();
    }
    assertThat(folding.fold()).isTrue();
  }

  // ---------------------------------------------------------------- helpers

  /** Queue "kept" holds 2 jobs; "gone" got 3 and was removed, each on a connection since ended. */
  private void pushTwoQueuesAndRemoveOneOnConnectionsThatEnd() throws SQLException {
    PgDatabase pushing = pool();
    PgDatabase removing = pool();
    execute(pushing, "SELECT {s}.push_bulk('" + jobs("gone", 3) + "')");
    execute(pushing, "SELECT {s}.push_bulk('" + jobs("kept", 2) + "')");
    new PgQueues(removing).remove(List.of("gone"));
    assertThat(rows("queue_counts")).isEqualTo(3); // gone +3, kept +2, gone -3
    end(pushing);
    end(removing);
  }

  private long rowsOfLiveBackendsIn(String table) throws SQLException {
    return count(
        "SELECT count(*) FROM {s}."
            + table
            + " WHERE shard <> 0 AND shard IN (SELECT pid FROM pg_stat_activity)");
  }

  private PgDatabase pool() {
    PgDatabase own = PgDatabase.open(PgTestDatabase.url(), db.schema(), 1);
    pools.add(own);
    return own;
  }

  private void end(PgDatabase pool) {
    pools.remove(pool);
    pool.close();
  }

  private static SetEntry failed(
      String jid, String jobtype, String fingerprint, String message, int second) {
    String json =
        "{\"jid\":\"%s\",\"jobtype\":\"%s\",\"failure\":{\"errtype\":\"E\",\"message\":\"%s\",\"fingerprint\":\"%s\"}}"
            .formatted(jid, jobtype, message, fingerprint);
    return new SetEntry(
        SetName.RETRIES, T0.plusSeconds(second), jid, "q", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String jobs(String queue, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("{\"jobtype\":\"T\",\"queue\":\"" + queue + "\",\"args\":[" + i + "]}");
    }
    return "[" + String.join(",", out) + "]";
  }

  private static void execute(PgDatabase pool, String sql) throws SQLException {
    try (Connection c = pool.connection();
        Statement s = c.createStatement()) {
      s.execute(pool.sql(sql));
    }
  }

  private long rows(String table) throws SQLException {
    return count("SELECT count(*) FROM {s}." + table);
  }

  // pg_stat_activity drops an ended backend a moment after its socket closes: fold until then.
  private void foldUntilNoEndedBackendsRowsIn(String... tables) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              new PgShardFolding(db).fold();
              for (String table : tables) {
                assertThat(
                        count(
                            "SELECT count(*) FROM {s}."
                                + table
                                + " WHERE shard <> 0 AND shard NOT IN"
                                + " (SELECT pid FROM pg_stat_activity)"))
                    .as(table)
                    .isZero();
              }
            });
  }

  private long count(String sql) throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(db.sql(sql))) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
