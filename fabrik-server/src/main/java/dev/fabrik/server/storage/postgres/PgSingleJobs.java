package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.jobs.JobPlace;
import dev.fabrik.server.jobs.SingleJobs;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SingleJobs} on PostgreSQL: each edit is one statement, exact between nodes. The job's row
 * is locked with {@code FOR UPDATE} (not SKIP LOCKED: a FETCH holds its candidates' locks only for
 * its short transaction, and the edit should not fail because a FETCH merely looked at the job);
 * once the lock is ours PostgreSQL re-checks {@code reserved_until_us IS NULL} on the row's latest
 * version, so a job a FETCH of any node reserved meanwhile is not picked and the edit answers
 * false. Queue counts change in the same statement (see V1__core.sql).
 *
 * <p>Moving to the front: FIFO within (queue, priority) is id order and the identity column cannot
 * be updated, so the row is deleted and inserted again with an id below every identity id:
 *
 * <pre>
 * WITH picked AS (SELECT id FROM fabrik.jobs WHERE queue = $1 AND jid = $2
 *                 AND reserved_until_us IS NULL ORDER BY priority DESC, id LIMIT 1 FOR UPDATE),
 *      gone AS (DELETE FROM fabrik.jobs j USING picked WHERE j.id = picked.id RETURNING ...),
 *      back AS (INSERT INTO fabrik.jobs (id, ...) OVERRIDING SYSTEM VALUE
 *               SELECT -nextval('fabrik.reservation_seq'), ... FROM gone RETURNING queue), ...
 * </pre>
 *
 * The negated sequence value is unique across nodes and smaller than every earlier one, so the
 * latest job moved is first, and identity ids (positive) all come after. {@code reservation_seq}
 * only has to give increasing numbers to the reservations; the numbers taken here are gaps to it.
 * The insert trigger counts the job ready again and wakes the FETCHes of every node.
 *
 * <p>Finding a jid reads the three places in one snapshot (REPEATABLE READ), so a job moving from
 * its queue to a worker is seen in exactly one of them. Reserved jobs are found through the {@code
 * jobs_reserved_jid} index; queued jobs and set entries by a scan (no jid index: it would cost
 * every PUSH).
 */
final class PgSingleJobs implements SingleJobs {

  private final PgDatabase db;
  private final String delete;
  private final String moveToFront;
  private final String queuedOfJid;
  private final String reservedOfJid;
  private final String entriesOfJid;

  PgSingleJobs(PgDatabase db) {
    this.db = db;
    String picked =
        "picked AS (SELECT id FROM {s}.jobs WHERE queue = ? AND jid = ?"
            + " AND reserved_until_us IS NULL ORDER BY priority DESC, id LIMIT 1 FOR UPDATE)";
    String gone =
        "gone AS (DELETE FROM {s}.jobs j USING picked WHERE j.id = picked.id"
            + " AND j.reserved_until_us IS NULL RETURNING j.queue, j.priority, j.jid, j.payload)";
    delete =
        db.sql(
            "WITH "
                + picked
                + ", "
                + gone
                + ", "
                + PgQueueCounts.cte("gone", -1, 0)
                + " SELECT count(*) FROM gone");
    moveToFront =
        db.sql(
            "WITH "
                + picked
                + ", "
                + gone
                + ", back AS (INSERT INTO {s}.jobs (id, queue, priority, jid, payload)"
                + " OVERRIDING SYSTEM VALUE SELECT -nextval('{s}.reservation_seq'), queue,"
                + " priority, jid, payload FROM gone RETURNING queue), "
                + PgQueueCounts.cte("gone", -1, 0)
                + " SELECT count(*) FROM back");
    queuedOfJid =
        db.sql(
            "SELECT queue, payload, priority FROM {s}.jobs WHERE jid = ?"
                + " AND reserved_until_us IS NULL ORDER BY queue, priority DESC, id LIMIT ?");
    reservedOfJid =
        db.sql(
            "SELECT "
                + PgReservations.COLUMNS
                + " FROM {s}.jobs WHERE jid = ? AND reserved_until_us IS NOT NULL"
                + " ORDER BY reserved_seq LIMIT ?");
    entriesOfJid =
        db.sql(
            "SELECT set_name, "
                + PgSetScans.COLUMNS
                + " FROM {s}.set_entries WHERE jid = ? ORDER BY set_name, score_us, seq LIMIT ?");
  }

  @Override
  public boolean deleteQueued(String queue, String jid) {
    return edit(delete, queue, jid);
  }

  @Override
  public boolean moveToFront(String queue, String jid) {
    return edit(moveToFront, queue, jid);
  }

  private boolean edit(String sql, String queue, String jid) {
    return PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, queue);
            p.setString(2, jid);
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              return rs.getLong(1) > 0;
            }
          }
        });
  }

  @Override
  public List<JobPlace> find(String jid, int limit) {
    return PgWork.transaction(
        db,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")) {
            p.execute();
          }
          List<JobPlace> out = new ArrayList<>();
          try (PreparedStatement p = prepare(c, queuedOfJid, jid, limit);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new JobPlace.Queued(
                      new QueuedJob(jid, rs.getString(1), rs.getBytes(2), rs.getShort(3))));
            }
          }
          try (PreparedStatement p = prepare(c, reservedOfJid, jid, limit);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(new JobPlace.Working(PgReservations.reservation(rs, 1)));
            }
          }
          try (PreparedStatement p = prepare(c, entriesOfJid, jid, limit);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(new JobPlace.InSet(entry(rs)));
            }
          }
          return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
        });
  }

  private static PreparedStatement prepare(Connection c, String sql, String jid, int limit)
      throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    p.setString(1, jid);
    p.setInt(2, limit);
    return p;
  }

  /** set_name, then {@link PgSetScans#COLUMNS}: seq, score_us, jid, queue, payload. */
  private static SetEntry entry(ResultSet rs) throws SQLException {
    return new SetEntry(
        SetName.fromWire(rs.getString(1)),
        PgTime.instant(rs.getLong(3)),
        rs.getString(4),
        rs.getString(5),
        rs.getBytes(6),
        rs.getLong(2));
  }
}
