package dev.fabrik.server.storage.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The PostgreSQL the tests use: {@code FABRIK_TEST_DATABASE_URL}, which {@code dev/test} sets to a
 * throwaway cluster it starts ({@code dev/postgres}). Each test works in a schema of its own, so
 * tests never see each other's rows and a shared database is fine. Without the variable the tests
 * fail with instructions; they never skip.
 */
public final class PgTestDatabase {
  public static final String ENV = "FABRIK_TEST_DATABASE_URL";

  private static final AtomicLong NEXT = new AtomicLong();
  private static final String RUN =
      Long.toString(ProcessHandle.current().pid(), 36)
          + Long.toString(System.nanoTime() & 0xffffff, 36);

  private PgTestDatabase() {}

  /** The database's URL, or an error that says how to get one. */
  public static PgUrl url() {
    String url = System.getenv(ENV);
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(
          "the PostgreSQL tests need a database: run dev/test (it starts one), or run"
              + " `dev/postgres start /tmp/fabrik-pg --fast` and export "
              + ENV
              + "=<the URL it prints>");
    }
    return PgUrl.parse(url);
  }

  /** A schema name no other test (of this or another run) uses. */
  public static String newSchema(String prefix) {
    return (prefix + "_" + RUN + "_" + NEXT.incrementAndGet()).toLowerCase(Locale.ROOT);
  }

  /** A pool on a fresh schema, migrated to the latest version. */
  public static PgDatabase migrated(String prefix, int poolSize) {
    PgDatabase db = PgDatabase.open(url(), newSchema(prefix), poolSize);
    PgMigrations.run(db);
    return db;
  }

  /** Drops the schema and everything in it (call before closing the pool). */
  public static void drop(PgDatabase db) {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(db.sql("DROP SCHEMA IF EXISTS {s} CASCADE"));
    } catch (SQLException e) {
      throw new IllegalStateException("dropping schema " + db.schema(), e);
    }
  }
}
