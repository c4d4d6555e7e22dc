package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * How the feature stores (unique locks, tracking, cron) run their SQL: on a pooled connection, as
 * one statement in autocommit or as several in one transaction, a {@link SQLException} becoming a
 * {@link StorageException} that says what failed.
 */
final class PgCalls {
  private PgCalls() {}

  /** Work done with a connection. */
  @FunctionalInterface
  interface Body<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code body} on a connection in autocommit (each statement commits on its own). */
  static <T> T autocommit(PgDatabase db, String what, Body<T> body) {
    try (Connection c = db.connection()) {
      return body.run(c);
    } catch (SQLException e) {
      throw failed(what, e);
    }
  }

  /**
   * Runs {@code body} in one transaction (READ COMMITTED, PostgreSQL's default): committed when it
   * returns, rolled back when it throws.
   */
  static <T> T transaction(PgDatabase db, String what, Body<T> body) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        T result = body.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
      // HikariCP puts autocommit back when the connection returns to the pool.
    } catch (SQLException e) {
      throw failed(what, e);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static StorageException failed(String what, SQLException e) {
    return new StorageException(what + " failed: " + PgDatabase.rootMessage(e), e);
  }
}
