package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.fate.JobFates;
import dev.fabrik.server.storage.FailureDecision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link JobFates} in {@code {s}.job_fates} (migration V11); {@link #record} runs inside the FAIL's
 * transaction ({@code PgReservations#fail}), so the row and the job's deletion commit together.
 *
 * <pre>
 * INSERT INTO job_fates(jid, fate, at_us) VALUES (?, 'discarded', ?)
 *   ON CONFLICT (jid) DO UPDATE SET fate = excluded.fate, at_us = excluded.at_us
 * </pre>
 */
final class PgJobFates implements JobFates {
  private final PgDatabase db;

  PgJobFates(PgDatabase db) {
    this.db = db;
  }

  /** In the FAIL's transaction: a discard that asked for it leaves its row. */
  static void record(Connection c, PgDatabase db, String jid, FailureDecision.Discard discard)
      throws SQLException {
    if (discard.fateAt() == null) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            db.sql(
                "INSERT INTO {s}.job_fates(jid, fate, at_us) VALUES (?, ?, ?) ON CONFLICT (jid)"
                    + " DO UPDATE SET fate = excluded.fate, at_us = excluded.at_us"))) {
      p.setString(1, jid);
      p.setString(2, DISCARDED);
      p.setLong(3, PgTime.micros(discard.fateAt()));
      p.executeUpdate();
    }
  }

  @Override
  public Optional<Instant> discardedAt(String jid) {
    return PgCalls.autocommit(
        db,
        "reading a job's fate",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  db.sql("SELECT at_us FROM {s}.job_fates WHERE jid = ? AND fate = ?"))) {
            p.setString(1, jid);
            p.setString(2, DISCARDED);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.of(PgTime.instant(rs.getLong(1))) : Optional.empty();
            }
          }
        });
  }

  /** SKIP LOCKED: nodes purging at once take different rows. */
  @Override
  public int purge(Instant before, int limit) {
    return PgCalls.transaction(
        db,
        "purging job fates",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  db.sql(
                      "DELETE FROM {s}.job_fates WHERE jid IN (SELECT jid FROM {s}.job_fates"
                          + " WHERE at_us <= ? ORDER BY at_us LIMIT ? FOR UPDATE SKIP LOCKED)"))) {
            p.setLong(1, PgTime.micros(before));
            p.setInt(2, limit);
            return p.executeUpdate();
          }
        });
  }
}
