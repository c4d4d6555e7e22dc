package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs JDBC work on a pooled connection and turns a {@link SQLException} into the {@link
 * StorageException} the Store SPI promises (the database rolled the work back: nothing changed).
 */
final class PgWork {
  private PgWork() {}

  /** Work on a connection; may throw what JDBC throws. */
  @FunctionalInterface
  interface Sql<T> {
    T apply(Connection c) throws SQLException;
  }

  /** One statement (or several reads) in autocommit mode. */
  static <T> T autocommit(PgDatabase db, Sql<T> work) {
    try (Connection c = db.connection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /**
   * {@code work} in one transaction, committed when it returns; rolled back when it throws (its
   * exception, a {@link RuntimeException} of the caller's own included, goes on as it is).
   */
  static <T> T transaction(PgDatabase db, Sql<T> work) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  static StorageException failed(SQLException e) {
    return new StorageException("PostgreSQL: " + PgDatabase.rootMessage(e), e);
  }
}
