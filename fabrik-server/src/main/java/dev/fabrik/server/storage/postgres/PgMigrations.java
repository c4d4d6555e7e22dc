package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Brings a schema up to the version this build knows, at start. The migrations are the numbered SQL
 * files beside this class ({@code V1__core.sql}, ...), applied in order, each at most once
 * (recorded in {@code {s}.schema_migrations}), all in one transaction.
 *
 * <p>Several nodes starting at once: the transaction first takes a transaction-level advisory lock
 * keyed by the schema name, so one node migrates while the others wait and then find nothing to do.
 * (A transaction-level lock is released by COMMIT, which PgBouncer in transaction mode allows; a
 * session-level one would not be.) A schema written by a newer Fabrik is refused with a message
 * saying so, never altered.
 */
public final class PgMigrations {

  /** The migrations this build has, in order; a file's number is its position plus one. */
  static final List<String> FILES =
      List.of(
          "V1__core.sql",
          "V2__job_options.sql",
          "V3__push_function.sql",
          "V4__cluster.sql",
          "V5__batches.sql",
          "V6__workflows.sql",
          "V7__limits.sql",
          "V8__history.sql",
          "V9__triage.sql",
          "V10__worker_load.sql",
          "V11__job_fates.sql",
          "V12__reserved_until_index.sql");

  private PgMigrations() {}

  /** The schema version this build writes. */
  public static int latest() {
    return FILES.size();
  }

  /**
   * Applies what is missing.
   *
   * @return the number of migrations applied (0 when the schema was current)
   * @throws StorageException the schema is newer than this build, or a migration failed (nothing of
   *     it is left behind)
   */
  public static int run(PgDatabase db) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        int applied = migrate(c, db);
        c.commit();
        return applied;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException(
          "migrating schema " + db.schema() + " failed: " + PgDatabase.rootMessage(e), e);
    }
  }

  private static int migrate(Connection c, PgDatabase db) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      lock.setLong(1, lockKey(db.schema()));
      lock.execute();
    }
    try (Statement s = c.createStatement()) {
      s.execute(db.sql("CREATE SCHEMA IF NOT EXISTS {s}"));
      s.execute(
          db.sql(
              "CREATE TABLE IF NOT EXISTS {s}.schema_migrations("
                  + "version integer PRIMARY KEY, name text NOT NULL,"
                  + " applied_at timestamptz NOT NULL DEFAULT now())"));
    }
    int current;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(db.sql("SELECT coalesce(max(version), 0) FROM {s}.schema_migrations"))) {
      rs.next();
      current = rs.getInt(1);
    }
    if (current > latest()) {
      throw new StorageException(
          "schema "
              + db.schema()
              + " is at version "
              + current
              + ", written by a newer Fabrik; this build knows versions up to "
              + latest()
              + ". Upgrade this node (or point it at another --schema).");
    }
    int applied = 0;
    for (int v = current + 1; v <= latest(); v++) {
      String name = FILES.get(v - 1);
      try (Statement s = c.createStatement()) {
        s.execute(db.sql(read(name)));
      }
      try (PreparedStatement p =
          c.prepareStatement(
              db.sql("INSERT INTO {s}.schema_migrations(version, name) VALUES (?, ?)"))) {
        p.setInt(1, v);
        p.setString(2, name);
        p.executeUpdate();
      }
      applied++;
    }
    return applied;
  }

  /** A stable 64-bit key per schema name for the advisory lock (FNV-1a of the name). */
  static long lockKey(String schema) {
    long h = 0xcbf29ce484222325L;
    for (byte b : ("fabrik-migrate:" + schema).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static String read(String name) {
    try (InputStream in = PgMigrations.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("migration " + name + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + name, e);
    }
  }
}
