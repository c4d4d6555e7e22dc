package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.limits.LimitRule;
import dev.fabrik.server.limits.LimitStore.LostRace;
import dev.fabrik.server.limits.LimitStore.SlotGrant;
import dev.fabrik.server.limits.LimitStore.SlotRule;
import dev.fabrik.server.storage.Reservation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A FETCH under concurrency limits (queues' and job types', cluster-wide and per worker) in ONE
 * statement: it skips the queues with a key at its limit, claims the first free job of the others
 * (in the FETCH's order) whose type has no key at its limit, takes a free slot number of every key
 * of the job's queue and type for it and marks it reserved; without every slot nothing is marked.
 * One commit grants the job and its slots, so a waiting FETCH gets a freed slot one round trip
 * after the ACK that freed it, and a statement that fails or rolls back leaves nothing behind.
 *
 * <pre>
 * WITH r AS MATERIALIZED (SELECT scope, name, key, lim, expires, (SELECT count(*)
 *          FROM fabrik.limit_slots s WHERE s.key = r.key AND s.expires_us > $now) + taking &lt; lim
 *          AS free FROM unnest('{queue,jobtype}', '{scrape,Email}', '{queue:scrape,jobtype:Email}',
 *          '{10,3}', ...) AS r(scope, name, key, lim, expires, taking)),
 *      q AS MATERIALIZED (queues of the FETCH in order, free unless a queue key of theirs is full),
 *      bt AS MATERIALIZED (the job types with a full key, as an array),
 *      claimed AS (SELECT ... FROM q CROSS JOIN LATERAL (SELECT id, jid, payload's jobtype
 *        FROM fabrik.jobs WHERE q.free AND queue = q.name AND reserved_until_us IS NULL
 *        AND jobtype &lt;&gt; ALL(bt) ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) c LIMIT 1),
 *      needed AS (the rows of r for the claimed job's queue and type),
 *      picked AS (for each, the ($ticket mod free)-th of its first 64 free numbers),
 *      slot AS (INSERT INTO fabrik.limit_slots ... picked, if every key has a number
 *        ON CONFLICT (key, slot) DO NOTHING RETURNING key),
 *      moved AS (UPDATE fabrik.jobs ... WHERE id = claimed.id AND every needed slot went in),
 *      counted AS (queue_counts, see PgQueueCounts),
 *      undone AS (fabrik.refuse(...) when some slots went in and others not: rolls all back)
 * SELECT 'granted', ... FROM moved
 * UNION ALL SELECT 'lost' | 'expired', ... FROM claimed WHERE NOT EXISTS (SELECT 1 FROM moved)
 * UNION ALL SELECT 'full', ..., key FROM r WHERE NOT free
 * </pre>
 *
 * Exact between nodes as {@link PgLimitStore#acquire} is: two statements that pick the same free
 * number conflict, and the second (which waits for the first's commit) inserts nothing, so its job
 * is not marked ("lost": the caller claims again). When that second statement took another key's
 * slot meanwhile (a job under a queue rule and a type rule), it raises {@value #UNDONE} so the
 * whole statement rolls back. A key whose numbers all have rows, some of them expired (a crashed
 * worker's), is "expired": taking those over is left to the usual path.
 *
 * <p>Why a spread number: concurrent claims of one node that all picked the lowest free number
 * conflicted (measured: most lost races of a limited drain, where one ACK batch frees several slots
 * and wakes as many FETCHes). Each claim takes a ticket, and picks the (ticket mod free)-th of the
 * first {@value #SPREAD} free numbers it finds, so claims that see the same free numbers pick
 * different ones; the tickets start at a random value per node, so two nodes seldom pick alike.
 *
 * <p>The statement commits without waiting for the WAL flush, as a plain FETCH's claim does ({@link
 * PgReservations}; {@code set_config('synchronous_commit', 'off', true)} sent in the same round
 * trip, so it ends with the implicit transaction): the flush (~5 ms on our test VM) would otherwise
 * stand between every freed slot and its next grant. What that costs: a crash of PostgreSQL itself
 * (not of a node) may forget the grants of its last moments, reservation and slots together; those
 * jobs are queued again (at-least-once), and until the runs that lost their slots end, a limit may
 * have that many more jobs running than it allows. A node's crash loses nothing.
 */
final class PgSlotClaims {

  /**
   * How many free numbers a claim chooses among: the first ones found, so a key with a large limit
   * costs no more than one with a small (no sort, no count over every number).
   */
  static final int SPREAD = 64;

  /** SQLSTATE the statement raises to roll back a claim that took only some of its slots. */
  static final String UNDONE = "FB001";

  private final String claim;
  private final String claimOneKeyPerQueue;
  private final String reconcile;
  private final AtomicLong tickets = new AtomicLong(ThreadLocalRandom.current().nextInt(1 << 16));

  PgSlotClaims(PgDatabase db) {
    String jobtype = "coalesce(convert_from(payload, 'UTF8')::jsonb->>'jobtype', '')";
    claim =
        db.sql(
            "SELECT set_config('plan_cache_mode', 'force_generic_plan', true),"
                + " set_config('synchronous_commit', 'off', true);"
                + " WITH r AS MATERIALIZED (SELECT r.scope, r.name, r.key, r.lim, r.expires,"
                + " (SELECT count(*) FROM {s}.limit_slots s"
                + " WHERE s.key = r.key AND s.expires_us > ?) + r.taking < r.lim AS free"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[], ?::int[])"
                + " AS r(scope, name, key, lim, expires, taking)),"
                + " q AS MATERIALIZED (SELECT q.name, q.n, NOT EXISTS (SELECT 1 FROM r"
                + " WHERE r.scope = 'queue' AND r.name = q.name AND NOT r.free) AS free"
                + " FROM unnest(?::text[]) WITH ORDINALITY AS q(name, n)),"
                + " bt AS MATERIALIZED (SELECT coalesce(array_agg(r.name), '{}') AS types FROM r"
                + " WHERE r.scope = 'jobtype' AND NOT r.free),"
                + " claimed AS (SELECT c.id, c.jid, q.name AS queue, c.jobtype FROM q"
                + " CROSS JOIN LATERAL (SELECT id, jid, CASE WHEN ? THEN "
                + jobtype
                + " END AS jobtype FROM {s}.jobs"
                + " WHERE q.free AND queue = q.name AND reserved_until_us IS NULL"
                + " AND (cardinality((SELECT types FROM bt)) = 0 OR "
                + jobtype
                + " <> ALL((SELECT types FROM bt)::text[]))"
                + " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) c LIMIT 1),"
                + " needed AS MATERIALIZED (SELECT r.key, r.lim, r.expires, c.jid FROM claimed c"
                + " JOIN r ON r.name = CASE r.scope WHEN 'queue' THEN c.queue ELSE c.jobtype END),"
                + " picked AS MATERIALIZED (SELECT n.key, f.g, n.jid, n.expires FROM needed n"
                + " CROSS JOIN LATERAL (SELECT f.g FROM (SELECT g,"
                + " row_number() OVER () - 1 AS i, count(*) OVER () AS free"
                + " FROM (SELECT g FROM generate_series(0, n.lim - 1) g WHERE NOT EXISTS (SELECT 1"
                + " FROM {s}.limit_slots h WHERE h.key = n.key AND h.slot = g) LIMIT "
                + SPREAD
                + ") w) f WHERE f.i = ?::bigint % f.free) f),"
                + " slot AS (INSERT INTO {s}.limit_slots (key, slot, jid, expires_us)"
                + " SELECT key, g, jid, expires FROM picked"
                + " WHERE (SELECT count(*) FROM picked) = (SELECT count(*) FROM needed)"
                + " ON CONFLICT (key, slot) DO NOTHING RETURNING key),"
                + " moved AS (UPDATE {s}.jobs j SET wid = ?, reserved_at_us = ?,"
                + " reserved_until_us = ?, reserved_seq = nextval('{s}.reservation_seq')"
                + " FROM claimed c WHERE j.id = c.id"
                + " AND (SELECT count(*) FROM slot) = (SELECT count(*) FROM needed)"
                + " RETURNING j.reserved_seq, j.jid, j.queue, j.payload), "
                + PgQueueCounts.cte("moved", -1, 1)
                + ", undone AS (SELECT {s}.refuse('a limit slot went to a concurrent claim', NULL,"
                + " '"
                + UNDONE
                + "') WHERE (SELECT count(*) FROM slot) BETWEEN 1"
                + " AND (SELECT count(*) FROM needed) - 1)"
                + " SELECT 'granted' AS kind, reserved_seq, jid, queue AS name, payload FROM moved"
                + " UNION ALL SELECT CASE WHEN (SELECT count(*) FROM picked)"
                + " < (SELECT count(*) FROM needed) THEN 'expired' ELSE 'lost' END,"
                + " NULL, c.jid, NULL, NULL FROM claimed c WHERE NOT EXISTS (SELECT 1 FROM moved)"
                + " UNION ALL SELECT 'full', NULL, NULL, r.key, NULL FROM r WHERE NOT r.free"
                + " UNION ALL SELECT 'undone', NULL, NULL, NULL, NULL FROM undone");
    // The same grant when every key is a queue's and no queue has more than one (plain queue
    // `concurrency` rules, the common case): each queue of the FETCH carries its own key (NULL:
    // unlimited), the job needs at most one slot, so there is no type to read, no keys to match to
    // the job and no partial grant to undo. Measured against the general statement above: that
    // one's extra CTEs cost a queue-limited drain ~6 % of its rate and ~0.25 ms of idle gap.
    claimOneKeyPerQueue =
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
                + " picked AS MATERIALIZED (SELECT c.key, f.g, c.jid, c.expires FROM claimed c"
                + " CROSS JOIN LATERAL (SELECT f.g FROM (SELECT g,"
                + " row_number() OVER () - 1 AS i, count(*) OVER () AS free"
                + " FROM (SELECT g FROM generate_series(0, c.lim - 1) g WHERE NOT EXISTS (SELECT 1"
                + " FROM {s}.limit_slots h WHERE h.key = c.key AND h.slot = g) LIMIT "
                + SPREAD
                + ") w) f WHERE f.i = ?::bigint % f.free) f WHERE c.key IS NOT NULL),"
                + " slot AS (INSERT INTO {s}.limit_slots (key, slot, jid, expires_us)"
                + " SELECT key, g, jid, expires FROM picked"
                + " ON CONFLICT (key, slot) DO NOTHING RETURNING 1),"
                + " moved AS (UPDATE {s}.jobs j SET wid = ?, reserved_at_us = ?,"
                + " reserved_until_us = ?, reserved_seq = nextval('{s}.reservation_seq')"
                + " FROM claimed c WHERE j.id = c.id AND (c.key IS NULL OR EXISTS (SELECT 1 FROM slot))"
                + " RETURNING j.reserved_seq, j.jid, j.queue, j.payload), "
                + PgQueueCounts.cte("moved", -1, 1)
                + " SELECT 'granted' AS kind, reserved_seq, jid, queue AS name, payload FROM moved"
                + " UNION ALL SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM picked) THEN 'expired'"
                + " ELSE 'lost' END, NULL, c.jid, NULL, NULL FROM claimed c"
                + " WHERE NOT EXISTS (SELECT 1 FROM moved)"
                + " UNION ALL SELECT 'full', NULL, NULL, q.key, NULL FROM q WHERE NOT q.free");
    // A job whose payload asks for a reservation time of its own: its deadline, and its slots'
    // when they last as long as the reservation (the keys of rules without a timeout).
    reconcile =
        db.sql(
            "WITH j AS (UPDATE {s}.jobs SET reserved_until_us = ?"
                + " WHERE reserved_seq = ? AND reserved_until_us IS NOT NULL RETURNING jid)"
                + " UPDATE {s}.limit_slots l SET expires_us = ? FROM j"
                + " WHERE l.jid = j.jid AND l.key = ANY(?)");
  }

  /** Runs the claim on {@code c} (in the caller's transaction, or autocommitted). */
  SlotGrant claim(
      Connection c,
      List<String> queues,
      List<SlotRule> rules,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline)
      throws SQLException {
    long at = PgTime.micros(now);
    long plainUntil = PgTime.micros(deadline.apply(PgReservations.PLAIN_PAYLOAD));
    boolean oneKeyPerQueue = oneKeyPerQueue(rules);
    Reservation granted = null;
    long seq = 0;
    LostRace lost = null;
    List<String> full = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(oneKeyPerQueue ? claimOneKeyPerQueue : claim)) {
      int i =
          oneKeyPerQueue
              ? bindQueueKeys(c, p, queues, rules, at, plainUntil)
              : bindRules(c, p, queues, rules, at, plainUntil);
      p.setLong(i++, tickets.getAndIncrement() & Long.MAX_VALUE);
      p.setString(i++, wid);
      p.setLong(i++, at);
      p.setLong(i, plainUntil);
      p.execute(); // the setting's row first, then the claim's rows
      p.getMoreResults();
      try (ResultSet rs = p.getResultSet()) {
        while (rs.next()) {
          switch (rs.getString(1)) {
            case "granted" -> {
              seq = rs.getLong(2);
              byte[] payload = rs.getBytes(5);
              granted =
                  new Reservation(
                      rs.getString(3),
                      rs.getString(4),
                      payload,
                      wid,
                      PgTime.instant(at),
                      PgTime.instant(PgTime.micros(deadline.apply(payload))));
            }
            case "lost" -> lost = LostRace.SAME_NUMBER;
            case "expired" -> lost = LostRace.ONLY_EXPIRED;
            default -> full.add(rs.getString(4));
          }
        }
      }
    } catch (SQLException e) {
      if (!UNDONE.equals(e.getSQLState())) {
        throw e;
      }
      return new SlotGrant(null, List.of(), LostRace.SAME_NUMBER);
    }
    if (granted != null && PgTime.micros(granted.expiresAt()) != plainUntil) {
      reconcile(c, granted, seq, rules);
    }
    return new SlotGrant(granted, full, lost);
  }

  /** True when every key is a queue's and no queue has two (see {@link #claimOneKeyPerQueue}). */
  private static boolean oneKeyPerQueue(List<SlotRule> rules) {
    Set<String> seen = new HashSet<>();
    for (SlotRule r : rules) {
      if (r.scope() != LimitRule.Scope.QUEUE || !seen.add(r.name())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Binds {@link #claimOneKeyPerQueue}'s arrays, one element per queue of the FETCH (its key, or
   * NULL when no rule limits it); returns the next parameter's index.
   */
  private static int bindQueueKeys(
      Connection c,
      PreparedStatement p,
      List<String> queues,
      List<SlotRule> rules,
      long at,
      long plainUntil)
      throws SQLException {
    Map<String, SlotRule> byQueue = new HashMap<>();
    rules.forEach(r -> byQueue.put(r.name(), r));
    List<SlotRule> perQueue = new ArrayList<>();
    queues.forEach(q -> perQueue.add(byQueue.get(q)));
    p.setLong(1, at);
    p.setArray(2, c.createArrayOf("text", queues.toArray(String[]::new)));
    return bindKeyColumns(c, p, 3, perQueue, at, plainUntil);
  }

  /** Binds {@link #claim}'s arrays, one element per rule; returns the next parameter's index. */
  private static int bindRules(
      Connection c,
      PreparedStatement p,
      List<String> queues,
      List<SlotRule> rules,
      long at,
      long plainUntil)
      throws SQLException {
    String[] scopes = new String[rules.size()];
    String[] names = new String[rules.size()];
    boolean typed = false;
    for (int i = 0; i < scopes.length; i++) {
      SlotRule r = rules.get(i);
      scopes[i] = r.scope().word();
      names[i] = r.name();
      typed |= r.scope() == LimitRule.Scope.JOBTYPE;
    }
    p.setLong(1, at);
    p.setArray(2, c.createArrayOf("text", scopes));
    p.setArray(3, c.createArrayOf("text", names));
    int i = bindKeyColumns(c, p, 4, rules, at, plainUntil);
    p.setArray(i++, c.createArrayOf("text", queues.toArray(String[]::new)));
    p.setBoolean(i++, typed);
    return i;
  }

  /**
   * Binds the key, limit, slot expiry and "taking" arrays of {@code rules} from parameter {@code i}
   * on (a null rule: NULLs); returns the next parameter's index.
   */
  private static int bindKeyColumns(
      Connection c, PreparedStatement p, int i, List<SlotRule> rules, long at, long plainUntil)
      throws SQLException {
    int n = rules.size();
    String[] keys = new String[n];
    Integer[] limits = new Integer[n];
    Long[] expires = new Long[n];
    Integer[] taking = new Integer[n];
    for (int k = 0; k < n; k++) {
      SlotRule r = rules.get(k);
      if (r != null) {
        keys[k] = r.key();
        limits[k] = r.limit();
        taking[k] = r.taking();
        expires[k] = r.timeout() == null ? plainUntil : at + r.timeout().toNanos() / 1_000;
      }
    }
    p.setArray(i++, c.createArrayOf("text", keys));
    p.setArray(i++, c.createArrayOf("integer", limits));
    p.setArray(i++, c.createArrayOf("bigint", expires));
    p.setArray(i++, c.createArrayOf("integer", taking));
    return i;
  }

  private void reconcile(Connection c, Reservation r, long seq, List<SlotRule> rules)
      throws SQLException {
    List<String> untimed = new ArrayList<>();
    for (SlotRule rule : rules) {
      String owner = rule.scope() == LimitRule.Scope.QUEUE ? r.queue() : r.jobtype();
      if (rule.timeout() == null && rule.name().equals(owner)) {
        untimed.add(rule.key());
      }
    }
    long until = PgTime.micros(r.expiresAt());
    try (PreparedStatement p = c.prepareStatement(reconcile)) {
      p.setLong(1, until);
      p.setLong(2, seq);
      p.setLong(3, until);
      p.setArray(4, c.createArrayOf("text", untimed.toArray(String[]::new)));
      p.executeUpdate();
    }
  }
}
