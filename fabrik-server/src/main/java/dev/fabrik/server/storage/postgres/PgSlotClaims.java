package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.limits.LimitStore.QueueSlot;
import dev.fabrik.server.limits.LimitStore.SlotGrant;
import dev.fabrik.server.storage.Reservation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A FETCH under queue concurrency limits in ONE statement: it skips the queues whose slots are all
 * held, claims the first free job of the others (in the FETCH's order), takes a free slot number of
 * its queue for it and marks it reserved; without a slot nothing is marked. One commit grants the
 * job and its slot, so a waiting FETCH gets a freed slot one round trip after the ACK that freed
 * it, and a statement that fails or rolls back leaves neither behind.
 *
 * <pre>
 * WITH q AS MATERIALIZED (SELECT name, key, lim, expires, n, key IS NULL OR (SELECT count(*)
 *          FROM fabrik.limit_slots s WHERE s.key = q.key AND s.expires_us > $now) + taking &lt; lim
 *          AS free
 *        FROM unnest('{scrape,default}', '{queue:scrape,NULL}', '{10,0}', ...) WITH ORDINALITY q),
 *      claimed AS (SELECT ... FROM q CROSS JOIN LATERAL (SELECT id, jid FROM fabrik.jobs
 *        WHERE q.free AND queue = q.name AND reserved_until_us IS NULL
 *        ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) c LIMIT 1),
 *      slot AS (INSERT INTO fabrik.limit_slots ... the lowest free number below the limit
 *        ... ON CONFLICT (key, slot) DO NOTHING RETURNING 1),
 *      moved AS (UPDATE fabrik.jobs ... WHERE id = claimed.id AND (key IS NULL OR EXISTS slot)),
 *      counted AS (queue_counts, see PgQueueCounts)
 * SELECT 'granted', ... FROM moved
 * UNION ALL SELECT 'lost', ... FROM claimed WHERE NOT EXISTS (SELECT 1 FROM moved)
 * UNION ALL SELECT 'full', ..., key FROM q WHERE NOT free
 * </pre>
 *
 * Exact between nodes as {@link PgLimitStore#acquire} is: two statements that pick the same free
 * number conflict, and the second (which waits for the first's commit) inserts nothing, so its job
 * is not marked ("lost": the caller looks again the usual way). So is a key whose numbers all have
 * rows, some of them expired (a crashed worker's): taking those over is left to the usual path.
 *
 * <p>The statement commits without waiting for the WAL flush, as a plain FETCH's claim does ({@link
 * PgReservations}; {@code set_config('synchronous_commit', 'off', true)} sent in the same round
 * trip, so it ends with the implicit transaction): the flush (~5 ms on our test VM) would otherwise
 * stand between every freed slot and its next grant. What that costs: a crash of PostgreSQL itself
 * (not of a node) may forget the grants of its last moments, reservation and slot together; those
 * jobs are queued again (at-least-once), and until the runs that lost their slot end, a limit may
 * have that many more jobs running than it allows. A node's crash loses nothing.
 */
final class PgSlotClaims {

  private final String claim;
  private final String reconcile;

  PgSlotClaims(PgDatabase db) {
    claim =
        db.sql(
            "SELECT set_config('plan_cache_mode', 'force_generic_plan', true),"
                + " set_config('synchronous_commit', 'off', true);"
                + " WITH q AS MATERIALIZED (SELECT q.name, q.key, q.lim, q.expires, q.n,"
                + " q.key IS NULL OR (SELECT count(*) FROM {s}.limit_slots s"
                + " WHERE s.key = q.key AND s.expires_us > ?) + q.taking < q.lim AS free"
                + " FROM unnest(?::text[], ?::text[], ?::int[], ?::bigint[], ?::int[])"
                + " WITH ORDINALITY AS q(name, key, lim, expires, taking, n)),"
                + " claimed AS (SELECT c.id, c.jid, q.key, q.lim, q.expires FROM q"
                + " CROSS JOIN LATERAL (SELECT id, jid FROM {s}.jobs"
                + " WHERE q.free AND queue = q.name AND reserved_until_us IS NULL"
                + " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) c LIMIT 1),"
                + " slot AS (INSERT INTO {s}.limit_slots (key, slot, jid, expires_us)"
                + " SELECT c.key, g, c.jid, c.expires FROM claimed c"
                + " CROSS JOIN LATERAL generate_series(0, c.lim - 1) g WHERE c.key IS NOT NULL"
                + " AND NOT EXISTS (SELECT 1 FROM {s}.limit_slots h WHERE h.key = c.key"
                + " AND h.slot = g) ORDER BY g LIMIT 1"
                + " ON CONFLICT (key, slot) DO NOTHING RETURNING 1),"
                + " moved AS (UPDATE {s}.jobs j SET wid = ?, reserved_at_us = ?,"
                + " reserved_until_us = ?, reserved_seq = nextval('{s}.reservation_seq')"
                + " FROM claimed c WHERE j.id = c.id AND (c.key IS NULL OR EXISTS (SELECT 1 FROM slot))"
                + " RETURNING j.reserved_seq, j.jid, j.queue, j.payload), "
                + PgQueueCounts.cte("moved", -1, 1)
                + " SELECT 'granted' AS kind, reserved_seq, jid, queue AS name, payload FROM moved"
                + " UNION ALL SELECT 'lost', NULL, c.jid, c.key, NULL FROM claimed c"
                + " WHERE NOT EXISTS (SELECT 1 FROM moved)"
                + " UNION ALL SELECT 'full', NULL, NULL, q.key, NULL FROM q WHERE NOT q.free");
    // A job whose payload asks for a reservation time of its own: its deadline, and its slot's
    // when the slot lasts as long as the reservation (key NULL when the rule has a timeout).
    reconcile =
        db.sql(
            "WITH j AS (UPDATE {s}.jobs SET reserved_until_us = ?"
                + " WHERE reserved_seq = ? AND reserved_until_us IS NOT NULL RETURNING jid)"
                + " UPDATE {s}.limit_slots l SET expires_us = ? FROM j"
                + " WHERE l.jid = j.jid AND l.key = ?");
  }

  /** Runs the claim on {@code c} (in the caller's transaction, or autocommitted). */
  SlotGrant claim(
      Connection c,
      List<QueueSlot> queues,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline)
      throws SQLException {
    long at = PgTime.micros(now);
    long plainUntil = PgTime.micros(deadline.apply(PgReservations.PLAIN_PAYLOAD));
    int n = queues.size();
    String[] names = new String[n];
    String[] keys = new String[n];
    Integer[] limits = new Integer[n];
    Long[] expires = new Long[n];
    Integer[] taking = new Integer[n];
    for (int i = 0; i < n; i++) {
      QueueSlot q = queues.get(i);
      names[i] = q.queue();
      keys[i] = q.key();
      limits[i] = q.limit();
      taking[i] = q.taking();
      expires[i] = q.timeout() == null ? plainUntil : at + q.timeout().toNanos() / 1_000;
    }
    Reservation granted = null;
    long seq = 0;
    boolean lost = false;
    List<String> full = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(claim)) {
      p.setLong(1, at);
      p.setArray(2, c.createArrayOf("text", names));
      p.setArray(3, c.createArrayOf("text", keys));
      p.setArray(4, c.createArrayOf("integer", limits));
      p.setArray(5, c.createArrayOf("bigint", expires));
      p.setArray(6, c.createArrayOf("integer", taking));
      p.setString(7, wid);
      p.setLong(8, at);
      p.setLong(9, plainUntil);
      p.execute(); // the setting's row first, then the claim's rows
      p.getMoreResults();
      try (ResultSet rs = p.getResultSet()) {
        while (rs.next()) {
          switch (rs.getString(1)) {
            case "granted" -> {
              seq = rs.getLong(2);
              byte[] payload = rs.getBytes(5);
              String queue = rs.getString(4);
              granted =
                  new Reservation(
                      rs.getString(3),
                      queue,
                      payload,
                      wid,
                      PgTime.instant(at),
                      PgTime.instant(PgTime.micros(deadline.apply(payload))));
            }
            case "lost" -> lost = true;
            default -> full.add(rs.getString(4));
          }
        }
      }
    }
    if (granted != null && PgTime.micros(granted.expiresAt()) != plainUntil) {
      reconcile(c, granted, seq, queues);
    }
    return new SlotGrant(granted, full, lost);
  }

  private void reconcile(Connection c, Reservation r, long seq, List<QueueSlot> queues)
      throws SQLException {
    String slotKey = null;
    for (QueueSlot q : queues) {
      if (q.queue().equals(r.queue()) && q.timeout() == null) {
        slotKey = q.key();
      }
    }
    long until = PgTime.micros(r.expiresAt());
    try (PreparedStatement p = c.prepareStatement(reconcile)) {
      p.setLong(1, until);
      p.setLong(2, seq);
      p.setLong(3, until);
      p.setString(4, slotKey);
      p.executeUpdate();
    }
  }
}
