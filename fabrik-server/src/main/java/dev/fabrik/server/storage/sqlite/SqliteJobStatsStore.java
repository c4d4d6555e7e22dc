package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.history.Grain;
import dev.fabrik.server.history.HistoryRow;
import dev.fabrik.server.history.JobStatsStore;
import dev.fabrik.server.history.Tally;
import dev.fabrik.server.storage.HistoryReads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * History in the SQLite file, one row per non-zero field of a bucket's {@link Tally}:
 *
 * <pre>
 * job_history(grain INTEGER, start INTEGER, jobtype TEXT, field INTEGER, n INTEGER,
 *             PRIMARY KEY (grain, start, jobtype, field))
 * INSERT INTO job_history VALUES (1, 1780000020, 'SendEmail', 0, 42)
 *   ON CONFLICT DO UPDATE SET n = n + excluded.n
 * </pre>
 *
 * A flush is one write op on the store's writer (one transaction, group-committed with the jobs
 * around it); reads go to the reader pool (WAL: they never wait for the writer).
 */
final class SqliteJobStatsStore implements JobStatsStore {
  static final String TABLE = "job_history";

  private static final String DDL =
      "CREATE TABLE IF NOT EXISTS "
          + TABLE
          + "(grain INTEGER NOT NULL, start INTEGER NOT NULL, jobtype TEXT NOT NULL,"
          + " field INTEGER NOT NULL, n INTEGER NOT NULL,"
          + " PRIMARY KEY (grain, start, jobtype, field))";
  private static final String ADD =
      "INSERT INTO "
          + TABLE
          + "(grain, start, jobtype, field, n) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (grain, start, jobtype, field) DO UPDATE SET n = n + excluded.n";
  private static final String PURGE =
      "DELETE FROM "
          + TABLE
          + " WHERE rowid IN (SELECT rowid FROM "
          + TABLE
          + " WHERE grain = ? AND start < ? LIMIT ?)";

  private static final HistoryReads READS = new HistoryReads(TABLE);

  private final GroupCommitWriter writer;
  private final ReaderPool readers;

  SqliteJobStatsStore(GroupCommitWriter writer, ReaderPool readers) {
    this.writer = writer;
    this.readers = readers;
  }

  /** Creates the table (on the writer connection, before the writer starts). */
  static void createTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(DDL);
    }
  }

  @Override
  public void add(List<HistoryRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    writer.write(
        tx -> {
          PreparedStatement ps = tx.prepareBesideJobs(ADD);
          for (HistoryRow r : rows) {
            for (int f = 0; f < Tally.FIELDS; f++) {
              long n = r.tally().get(f);
              if (n != 0) {
                ps.setInt(1, r.grain().code());
                ps.setLong(2, r.start());
                ps.setString(3, r.jobtype());
                ps.setInt(4, f);
                ps.setLong(5, n);
                ps.executeUpdate();
              }
            }
          }
          return null;
        },
        rows.size(),
        0);
  }

  @Override
  public SortedMap<Long, Tally> series(Grain grain, long from, long to, String jobtype) {
    return readers.read(c -> READS.series(c, grain, from, to, jobtype));
  }

  @Override
  public Map<String, Tally> byType(Grain grain, long from, long to) {
    return readers.read(c -> READS.byType(c, grain, from, to));
  }

  @Override
  public int purge(Grain grain, long before, int limit) {
    return writer.write(
        tx -> {
          PreparedStatement ps = tx.prepareBesideJobs(PURGE);
          ps.setInt(1, grain.code());
          ps.setLong(2, before);
          ps.setInt(3, limit);
          return ps.executeUpdate();
        },
        limit,
        0);
  }
}
