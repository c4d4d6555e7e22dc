package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.fate.JobFates;
import dev.fabrik.server.storage.FailureDecision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link JobFates} in the store's file; {@link #record} runs inside the FAIL's write, so the row
 * and the job's deletion commit together. Instants are epoch microseconds.
 *
 * <pre>
 * job_fates(jid TEXT PRIMARY KEY, fate TEXT, at INTEGER)   -- index on at, for the purge
 * </pre>
 */
final class SqliteJobFates implements JobFates {

  private static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS job_fates(jid TEXT PRIMARY KEY, fate TEXT NOT NULL,"
        + " at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS job_fates_at ON job_fates(at)",
  };

  private final GroupCommitWriter writer;
  private final ReaderPool readers;

  SqliteJobFates(GroupCommitWriter writer, ReaderPool readers) {
    this.writer = writer;
    this.readers = readers;
  }

  /** Creates the table (on the writer connection, before the writer starts). */
  static void createTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
    }
  }

  /**
   * In the FAIL's transaction: a discard that asked for it leaves its row (a jid reused: the last).
   */
  static void record(Tx tx, String jid, FailureDecision.Discard discard) throws SQLException {
    if (discard.fateAt() == null) {
      return;
    }
    PreparedStatement p =
        tx.prepareBesideJobs("INSERT OR REPLACE INTO job_fates(jid, fate, at) VALUES (?, ?, ?)");
    p.setString(1, jid);
    p.setString(2, DISCARDED);
    p.setLong(3, SetTables.micros(discard.fateAt()));
    p.executeUpdate();
  }

  @Override
  public Optional<Instant> discardedAt(String jid) {
    return readers.read(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT at FROM job_fates WHERE jid = ? AND fate = ?")) {
            p.setString(1, jid);
            p.setString(2, DISCARDED);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.of(SetTables.instant(rs.getLong(1))) : Optional.empty();
            }
          }
        });
  }

  @Override
  public int purge(Instant before, int limit) {
    return writer.write(
        tx -> {
          PreparedStatement p =
              tx.prepare(
                  "DELETE FROM job_fates WHERE jid IN (SELECT jid FROM job_fates WHERE at <= ?"
                      + " ORDER BY at LIMIT ?)");
          p.setLong(1, SetTables.micros(before));
          p.setInt(2, limit);
          return p.executeUpdate();
        });
  }
}
