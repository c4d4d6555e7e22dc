package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The tables and the connection settings.
 *
 * <p>Queued jobs live in {@code jobs}; their {@code id} is assigned by the writer in commit order,
 * so a queue's FIFO order within a priority level is its ids' order (a requeued or retried job gets
 * a new id: the back of its level). The {@code jobs(qid, priority DESC, id)} index ({@link
 * PriorityColumn}) lets recovery rebuild every queue from the small index alone, never reading
 * payload pages. Set scores are epoch microseconds.
 */
final class Schema {
  /** The tables FLUSH empties (SqliteStore#flush); cron's tables survive it. */
  static final List<String> FLUSHED =
      List.of(
          "jobs",
          "set_entries",
          "queues",
          "unique_locks",
          SqliteTrackStore.TABLE,
          "workflow_jobs",
          "workflow_edges",
          "batch_members",
          "batches",
          "job_fates");

  static final String FILE_NAME = "fabrik.db";

  /** How long a connection waits for a lock another holds. */
  static final int BUSY_TIMEOUT_MILLIS = 10_000;

  /** The WAL size past which the writer rewinds it (and what SQLite trims the file back to). */
  static final long WAL_LIMIT_BYTES = 64L << 20;

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS queues("
        + "id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,"
        + " paused INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS jobs("
        + "id INTEGER PRIMARY KEY, qid INTEGER NOT NULL, jid TEXT NOT NULL, payload BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS set_entries("
        + "id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL, score INTEGER NOT NULL,"
        + " jid TEXT NOT NULL, queue TEXT NOT NULL, payload BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS set_entries_order ON set_entries(set_id, score, jid)",
    "CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO counters(name, value) VALUES ('processed', 0), ('failures', 0)",
    SqliteUniqueLocks.TABLE,
  };

  /**
   * The job type of a set entry, for the UI's filter: computed from the payload, never stored in
   * the table (VIRTUAL), only in the {@code set_entries_by_jobtype} index. The payload BLOB is cast
   * to TEXT because SQLite 3.45+ reads a BLOB given to a JSON function as JSONB; json_valid keeps
   * an insert of a payload that is not JSON from failing (its jobtype is NULL).
   */
  static final String JOBTYPE_COLUMN =
      "jobtype TEXT GENERATED ALWAYS AS (CASE WHEN json_valid(CAST(payload AS TEXT))"
          + " THEN json_extract(CAST(payload AS TEXT), '$.jobtype') END) VIRTUAL";

  private Schema() {}

  /** Opens the writer connection, applying durability and creating the tables. */
  static Connection openWriter(
      Path file, Durability durability, long maxPageCount, long walLimitBytes) throws SQLException {
    Connection c = open(file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + (durability == Durability.POWER_LOSS ? "FULL" : "NORMAL"));
      // Checkpoints run on their own thread (Checkpointer), so a commit never copies the WAL back.
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("PRAGMA journal_size_limit=" + walLimitBytes);
      s.execute("PRAGMA cache_size=-65536");
      if (maxPageCount > 0) {
        s.execute("PRAGMA max_page_count=" + maxPageCount);
      }
      for (String ddl : DDL) {
        s.execute(ddl);
      }
      addJobtypeColumn(c);
      PriorityColumn.ensure(c);
      s.execute(
          "CREATE INDEX IF NOT EXISTS set_entries_by_jobtype"
              + " ON set_entries(set_id, jobtype, score, jid)");
    }
    // Autocommit stays on in the driver: the writer issues BEGIN/COMMIT/ROLLBACK itself, because
    // SQLite may roll a transaction back on its own (SQLITE_FULL) and the driver would not notice.
    return c;
  }

  /**
   * Migration: databases created before the UI's job type filter lack the column (new ones get it
   * here too). Adding a VIRTUAL column rewrites nothing; the index created next reads every entry
   * once (about 3 s at a million entries).
   */
  private static void addJobtypeColumn(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT 1 FROM pragma_table_xinfo('set_entries') WHERE name = 'jobtype'")) {
      if (rs.next()) {
        return;
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE set_entries ADD COLUMN " + JOBTYPE_COLUMN);
    }
  }

  /** A connection for reads or checkpoints (autocommit: no snapshot is held between calls). */
  static Connection openReader(Path file) throws SQLException {
    Connection c = open(file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA cache_size=-16384");
      s.execute("PRAGMA query_only=1");
    }
    return c;
  }

  private static Connection open(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    // Row ids are assigned by the store itself; asking SQLite for them after every INSERT costs a
    // native round trip per statement on the writer's hot path.
    config.setGetGeneratedKeys(false);
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MILLIS);
      s.execute("PRAGMA temp_store=MEMORY");
    }
    return c;
  }

  /** Bytes of the database file with its WAL and shared-memory index. */
  static long sizeOnDisk(Path dataDir) {
    long total = 0;
    for (String suffix : List.of("", "-wal", "-shm")) {
      Path p = dataDir.resolve(FILE_NAME + suffix);
      try {
        total += Files.exists(p) ? Files.size(p) : 0;
      } catch (IOException e) {
        // the file went away between the two calls (a checkpoint removed the WAL)
      }
    }
    return total;
  }
}
