package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.priority.Priority;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@code jobs.priority} column and the index FETCH order is rebuilt from, added in place to a
 * database of any age (idempotent, run at every open):
 *
 * <pre>
 * ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 5
 * CREATE INDEX jobs_by_priority ON jobs(qid, priority DESC, id)
 * DROP INDEX jobs_by_queue
 * </pre>
 *
 * Adding a column with a constant default rewrites no row (old rows read as 5); building the index
 * reads every job once. The new index replaces {@code jobs(qid)}: its prefix serves the same
 * lookups (a queue's removal), so inserts still maintain one index.
 */
final class PriorityColumn {

  /** The index recovery streams a queue's jobs from, in fetch order. */
  static final String INDEX = "jobs_by_priority";

  private PriorityColumn() {}

  static void ensure(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (!hasColumn(s)) {
        s.execute(
            "ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT " + Priority.DEFAULT);
      }
      s.execute("CREATE INDEX IF NOT EXISTS " + INDEX + " ON jobs(qid, priority DESC, id)");
      s.execute("DROP INDEX IF EXISTS jobs_by_queue");
    }
  }

  private static boolean hasColumn(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'priority'")) {
      return rs.next();
    }
  }
}
