package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Reservation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ACK of any number of jids in one statement: for each jid asked n times, its n oldest reservations
 * are deleted, and the processed counter grows by how many were.
 *
 * <pre>
 * WITH wanted AS (SELECT jid, count(*) n FROM unnest($1) jid GROUP BY jid ORDER BY jid),
 *      picked AS (SELECT id FROM wanted, LATERAL (SELECT id FROM fabrik.jobs WHERE jid = wanted.jid
 *                 AND reserved_until_us IS NOT NULL ORDER BY reserved_seq LIMIT n FOR UPDATE) r),
 *      acked  AS (DELETE FROM fabrik.jobs USING picked ... RETURNING ...),
 *      counted AS (... queue_counts: reserved - 1 per row, see PgQueueCounts),
 *      processed AS (INSERT INTO fabrik.counters ... 'processed', pg_backend_pid(), count(*) ...)
 *      freed AS (DELETE FROM fabrik.limit_slots l USING acked WHERE l.jid = acked.jid
 *                AND EXISTS (SELECT 1 FROM fabrik.limit_slots) ...),
 *      notified AS MATERIALIZED (SELECT count(pg_notify($2, $3 || ' ' || n || ' ' || queue))
 *                FROM (the queues freed, with how many runs each)),
 * SELECT ... FROM acked CROSS JOIN notified ORDER BY jid, reserved_seq
 * </pre>
 *
 * The concurrency-limit slots the acknowledged runs held ({@code limit_slots}, {@link
 * PgLimitStore}) are freed by the same statement, so they free when the ACK commits, not one round
 * trip later, and a rolled-back ACK keeps them. Only a reservation this statement deleted frees
 * anything: an ACK repeated, or arriving after the reaper expired the reservation (which freed the
 * slots then), finds no reserved row and frees nothing. A slot row an expired run left and another
 * job took over carries that job's jid, so it is not touched. Each queue that got a slot back is
 * NOTIFYed on the slots channel ({@link PgSlotNotice}, sent at commit), so as many FETCHes waiting
 * on it on the other nodes look again; the node that ran the ACK wakes its own waiters directly.
 *
 * <p>Where no limit is in use the slot table is empty, and the uncorrelated {@code EXISTS} (a
 * one-time filter, planned as an InitPlan) spares the batch its per-job probe of the jid index: one
 * look at an empty table per batch instead. A node cannot skip the DELETE by its own rules (conf.d
 * differs between nodes, and an API rule reaches a node only at its next refresh, while another
 * node may already have granted slots under it); the statement's own snapshot can: the DELETE would
 * see exactly the rows the {@code EXISTS} sees, so it is skipped only when it would have deleted
 * nothing.
 *
 * <p>Rows are locked in jid order, so two nodes' batches never deadlock on each other. A concurrent
 * ACK of the same reservation (no SKIP LOCKED) waits for this one to commit and then finds it gone:
 * a repeated ACK is answered only after the first one holds.
 *
 * <p>The statement also runs {@code set_config('synchronous_commit', 'off', true)} (a MATERIALIZED
 * CTE joined to the result; it lasts until the transaction ends), so an ACK batch's COMMIT does not
 * wait for a WAL flush. Why that is safe: the guarantee is at-least-once. A Fabrik node killed
 * after the COMMIT cannot lose it (PostgreSQL has it); only a crash of PostgreSQL itself can, and
 * only for the ACKs of the last few wal_writer_delay periods, whose jobs are then simply delivered
 * again (their reservations come back with them). Nothing else is written in an ACK's transaction
 * ({@link PgGroupCommit} never mixes PUSHes into it); what a capability writes because of an ACK
 * (batch counts, a batch callback, released workflow jobs) commits later in its own synchronous
 * transaction, and the WAL is one ordered stream: that flush also makes this earlier ACK durable,
 * so a crash never keeps the consequence of an ACK without the ACK. When nothing was acknowledged
 * the setting may not run, which does not matter: a transaction that wrote nothing flushes nothing.
 */
final class PgAcks {
  private final String acknowledge;
  private final String channel;
  private final String token;
  private final boolean durable;

  /**
   * @param durable true: each ACK batch's commit waits for its WAL flush (synchronous_commit as the
   *     server has it); false: it does not (see the class comment)
   */
  PgAcks(PgDatabase db, boolean durable) {
    this.durable = durable;
    acknowledge =
        db.sql(
            "WITH wanted AS (SELECT jid, count(*) AS n FROM unnest(?::text[]) AS w(jid)"
                + " GROUP BY jid ORDER BY jid),"
                + " picked AS (SELECT r.id FROM wanted CROSS JOIN LATERAL (SELECT id FROM {s}.jobs"
                + " WHERE jid = wanted.jid AND reserved_until_us IS NOT NULL"
                + " ORDER BY reserved_seq LIMIT wanted.n FOR UPDATE) r),"
                + " acked AS (DELETE FROM {s}.jobs j USING picked WHERE j.id = picked.id"
                + " RETURNING j.reserved_seq, j."
                + PgReservations.COLUMNS.replace(", ", ", j.")
                + "), "
                + PgQueueCounts.cte("acked", 0, -1)
                + ", processed AS (INSERT INTO {s}.counters AS c (name, shard, value)"
                + " SELECT 'processed', pg_backend_pid(), count(*) FROM acked HAVING count(*) > 0"
                + " ON CONFLICT (name, shard) DO UPDATE SET value = c.value + excluded.value),"
                + " freed AS (DELETE FROM {s}.limit_slots l USING acked WHERE l.jid = acked.jid"
                + " AND EXISTS (SELECT 1 FROM {s}.limit_slots) RETURNING acked.queue),"
                + " notified AS MATERIALIZED (SELECT count(pg_notify(?, "
                + PgSlotNotice.sql("?", "f.n", "f.queue")
                + ")) AS n FROM (SELECT queue, count(*) AS n FROM freed GROUP BY queue) f)"
                + (durable
                    ? " SELECT " + PgReservations.COLUMNS + " FROM acked CROSS JOIN notified"
                    : ", unsynced AS MATERIALIZED"
                        + " (SELECT set_config('synchronous_commit', 'off', true))"
                        + " SELECT "
                        + PgReservations.COLUMNS
                        + " FROM acked CROSS JOIN notified CROSS JOIN unsynced")
                + " ORDER BY jid, reserved_seq");
    channel = db.slotsChannel();
    token = db.nodeToken();
  }

  /** The ACK statement (JDBC placeholders), for tests that look at its plan. */
  String statement() {
    return acknowledge;
  }

  /**
   * True when an ACK batch may run as one autocommitted statement: it writes nothing else, and its
   * implicit transaction already turns synchronous_commit off, so the separate COMMIT round trip
   * would only cost the node a second wait and wake-up per batch.
   */
  boolean commitsAlone() {
    return !durable;
  }

  /**
   * Acknowledges {@code jids} (a jid may be listed more than once) on the caller's connection and
   * in its transaction.
   *
   * @return each jid's removed reservations, oldest first (absent: none held)
   */
  Map<String, ArrayDeque<Reservation>> acknowledgeAll(Connection c, List<String> jids)
      throws SQLException {
    Map<String, ArrayDeque<Reservation>> out = new HashMap<>();
    if (jids.isEmpty()) {
      return out;
    }
    try (PreparedStatement p = c.prepareStatement(acknowledge)) {
      p.setArray(1, c.createArrayOf("text", jids.toArray(String[]::new)));
      p.setString(2, channel);
      p.setString(3, token);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Reservation r = PgReservations.reservation(rs, 1);
          out.computeIfAbsent(r.jid(), k -> new ArrayDeque<>()).addLast(r);
        }
      }
    }
    return out;
  }
}
