package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Two applications' transactions pushing the same unique job through {@code {s}.push}: the second
 * waits on the first's uncommitted lock row, then is refused (NOTUNIQUE) when the first commits, or
 * takes the lock when the first rolls back. PostgreSQL's row lock decides; nothing in Java does.
 */
class PgPushUniqueRaceTest {
  private static final String JOB =
      "{\"jid\":\"%s\",\"jobtype\":\"Race\",\"args\":[1],\"custom\":{\"unique_for\":60}}";

  private static PgDatabase db;

  @BeforeAll
  static void open() {
    db = PgTestDatabase.migrated("pgtx_race", 4);
  }

  @AfterAll
  static void close() {
    PgTestDatabase.drop(db);
    db.close();
  }

  @Test
  void theSecondWaitsForTheFirstThenLosesToItsCommitOrWinsAfterItsRollback() throws Exception {
    try (Connection first = db.connection();
        Connection second = db.connection()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);

      PgPushFunctionTest.push(db, first, JOB.formatted("jid-race-1"));
      CompletableFuture<String> waiting = pushWhenUnblocked(second, "jid-race-2");
      awaitWaitingOnALock(second);
      first.rollback(); // the first's lock never existed: the second takes it
      assertThat(waiting.get()).isEqualTo("jid-race-2");

      CompletableFuture<String> third = pushWhenUnblocked(first, "jid-race-3");
      awaitWaitingOnALock(first);
      second.commit(); // now the lock is held: the third is refused
      assertThatThrownBy(third::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              PSQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("23505");
                assertThat(e.getServerErrorMessage().getMessage())
                    .isEqualTo("NOTUNIQUE Job not unique");
              });
      first.rollback();
      second.setAutoCommit(true);
      try (PreparedStatement p =
              second.prepareStatement(db.sql("SELECT jid FROM {s}.unique_locks"));
          ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("jid-race-2");
      }
    }
  }

  private static CompletableFuture<String> pushWhenUnblocked(Connection c, String jid) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return PgPushFunctionTest.push(db, c, JOB.formatted(jid));
          } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        },
        Thread::startVirtualThread);
  }

  /** Until the session of {@code c} waits on a lock (the other transaction's row). */
  private static void awaitWaitingOnALock(Connection c) throws SQLException {
    int pid = c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (Connection probe = db.connection();
                  PreparedStatement p =
                      probe.prepareStatement(
                          "SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?")) {
                p.setInt(1, pid);
                try (ResultSet rs = p.executeQuery()) {
                  return rs.next() && "Lock".equals(rs.getString(1));
                }
              }
            });
  }
}
