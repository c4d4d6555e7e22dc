package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reservations live in the jobs table itself ({@code reserved_until_us} set), so every node sees
 * every reservation and a node that dies leaves its jobs to the others' reapers. Each step is one
 * statement or one short transaction that PostgreSQL's row locks make safe between nodes: FETCH
 * claims with {@code FOR UPDATE SKIP LOCKED}; ACK is {@link PgAcks}.
 */
final class PgReservations {

  /** Columns every reservation query returns, in this order (see {@link #reservation}). */
  static final String COLUMNS = "jid, queue, payload, wid, reserved_at_us, reserved_until_us";

  private final PgDatabase db;
  private final PgInserts inserts;
  private final String claimAndMark;
  private final String reconcile;
  private final String lockOldest;
  private final String deleteById;
  private final String countFailure;
  private final String extend;
  private final String expired;
  private final String list;
  private final String working;

  PgReservations(PgDatabase db, PgInserts inserts) {
    this.db = db;
    this.inserts = inserts;
    // One FETCH group (the waiting requests with the same queue list) in ONE claiming statement
    // (after a SELECT of settings, below), one round trip, no explicit transaction: claim up to n
    // jobs, queue by queue in the list's order, best
    // first in each, number them in that order, and mark job k reserved for request k:
    //   WITH claimed AS (SELECT c.id, row_number() OVER (ORDER BY c.n, c.priority DESC, c.id) rn
    //     FROM (SELECT q.n, c.id, c.priority FROM unnest('{a,b}'::text[]) WITH ORDINALITY q(name,
    // n)
    //       CROSS JOIN LATERAL (SELECT id, priority FROM fabrik.jobs WHERE queue = q.name
    //         AND reserved_until_us IS NULL ORDER BY priority DESC, id LIMIT 3
    //         FOR UPDATE SKIP LOCKED) c LIMIT 3) c),
    //   moved AS (UPDATE fabrik.jobs j SET wid = w.wid, ... FROM claimed
    //     JOIN unnest('{w1,w2,w3}', '{at1,..}', '{until1,..}') WITH ORDINALITY w(wid, at, until,
    // rn)
    //     USING (rn) WHERE j.id = claimed.id RETURNING ...)
    // The inner LIMIT under a nested loop stops pulling (and locking) once n rows came, so a later
    // queue is read only when the earlier ones had fewer than n free jobs. The deadline each
    // request sends is the one a job without reserve_for gets; the few jobs whose payload asks
    // for another one are corrected right after (reconcile), keyed by their reserved_seq.
    //
    // Why one round trip: the claim, the mark and the commit were three round trips per batch;
    // on a loaded 2-core machine each round trip is a wake-up of the backend and of this thread,
    // and every FETCH waiting behind the batch waited for all three.
    //
    // The claim runs behind a SELECT of two transaction-local settings, sent in the same round
    // trip: pgjdbc sends both statements before one Sync, so PostgreSQL runs them in one implicit
    // transaction and the settings end with it (nothing leaks into the pooled session, and
    // PgBouncer in transaction mode sees one transaction):
    //   SELECT set_config('plan_cache_mode', 'force_generic_plan', true),
    //          set_config('synchronous_commit', 'off', true);
    //   WITH claimed AS (...) ...
    // plan_cache_mode: the claim's generic plan is the same plan as a custom one (nested loop over
    // the queue list, jobs_ready scan under LIMIT), but its estimated cost is ~17x higher (a LIMIT
    // parameter is costed as 10 % of the queue), so the plan cache kept choosing a custom plan,
    // planned on every call: measured 2,585 plans in 2,788 calls, 0.54 ms planning on top of
    // 1.41 ms execution (pg_stat_statements with track_planning, one node draining 30,000 jobs).
    // Which plan the cache picks depended on the table's statistics at the time; forced, every
    // call reuses the plan prepared once per connection.
    // synchronous_commit off: a FETCH does not wait for a WAL flush. A crash may lose the
    // reservations, which only means the jobs are delivered again (at-least-once, as the issue
    // allows); it can never lose a PUSH or an ACK, whose synchronous commits flush the WAL up to
    // and including every reservation committed before them.
    claimAndMark =
        db.sql(
            "SELECT set_config('plan_cache_mode', 'force_generic_plan', true),"
                + " set_config('synchronous_commit', 'off', true);"
                + " WITH claimed AS (SELECT c.id, row_number() OVER (ORDER BY c.n, c.priority DESC, c.id)"
                + " AS rn FROM (SELECT q.n, c.id, c.priority"
                + " FROM unnest(?::text[]) WITH ORDINALITY AS q(name, n)"
                + " CROSS JOIN LATERAL (SELECT id, priority FROM {s}.jobs"
                + " WHERE queue = q.name AND reserved_until_us IS NULL"
                + " ORDER BY priority DESC, id LIMIT ? FOR UPDATE SKIP LOCKED) c LIMIT ?) c),"
                + " moved AS (UPDATE {s}.jobs j SET wid = w.wid, reserved_at_us = w.at,"
                + " reserved_until_us = w.until, reserved_seq = nextval('{s}.reservation_seq')"
                + " FROM claimed JOIN unnest(?::text[], ?::bigint[], ?::bigint[])"
                + " WITH ORDINALITY AS w(wid, at, until, rn) USING (rn)"
                + " WHERE j.id = claimed.id"
                + " RETURNING claimed.rn, j.reserved_seq, j.jid, j.queue, j.payload), "
                + PgQueueCounts.cte("moved", -1, 1)
                + " SELECT rn, reserved_seq, jid, queue, payload FROM moved ORDER BY rn");
    // The deadlines of claimed jobs whose payload asks for a reservation time of its own, for
    // the reservations still held (an ACK may already have removed one).
    reconcile =
        db.sql(
            "UPDATE {s}.jobs j SET reserved_until_us = m.until"
                + " FROM unnest(?::bigint[], ?::bigint[]) AS m(seq, until)"
                + " WHERE j.reserved_seq = m.seq AND j.reserved_until_us IS NOT NULL");
    lockOldest =
        db.sql(
            "SELECT id, "
                + COLUMNS
                + " FROM {s}.jobs WHERE jid = ? AND reserved_until_us IS NOT NULL"
                + " ORDER BY reserved_seq LIMIT 1 FOR UPDATE");
    deleteById =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.jobs WHERE id = ? RETURNING queue), "
                + PgQueueCounts.cte("gone", 0, -1)
                + " SELECT count(*) FROM gone");
    countFailure =
        db.sql(
            "INSERT INTO {s}.counters AS c (name, shard, value)"
                + " VALUES ('failures', pg_backend_pid(), 1), ('processed', pg_backend_pid(), 1)"
                + " ON CONFLICT (name, shard) DO UPDATE SET value = c.value + excluded.value");
    extend =
        db.sql(
            "WITH held AS (SELECT id, reserved_until_us FROM {s}.jobs"
                + " WHERE jid = ? AND reserved_until_us IS NOT NULL FOR UPDATE),"
                + " moved AS (UPDATE {s}.jobs j SET reserved_until_us = ? FROM held"
                + " WHERE j.id = held.id AND held.reserved_until_us < ? RETURNING 1)"
                + " SELECT count(*) FROM held");
    // "> 0" and not "IS NOT NULL": the deadline index's predicate (V12), which no jid lookup
    // implies, so only this statement can be planned on it.
    expired =
        db.sql(
            "SELECT "
                + COLUMNS
                + " FROM {s}.jobs WHERE reserved_until_us > 0 AND reserved_until_us <= ?"
                + " ORDER BY reserved_until_us, reserved_seq LIMIT ?");
    list =
        db.sql(
            "SELECT "
                + COLUMNS
                + " FROM {s}.jobs WHERE reserved_until_us IS NOT NULL"
                + " ORDER BY reserved_seq LIMIT ?");
    working = db.sql("SELECT coalesce(sum(reserved), 0) FROM {s}.queue_counts");
  }

  /**
   * Serves a batch of FETCHes ({@link PgFetchBatcher}): the requests with the same queue list form
   * a group, served by one autocommit statement that claims and marks up to as many jobs as the
   * group has requests; the group's requests, in arrival order, get its jobs in the order a lone
   * FETCH would have got them (first non-empty queue of the list, highest priority, oldest), and
   * the requests beyond the jobs found get empty. Every request of the batch is completed, also
   * when it fails (a group's failure fails only that group).
   */
  void reserveBatch(List<PgFetchRequest> batch) {
    claimBatch(batch).run();
  }

  /**
   * {@link #reserveBatch} in two steps: the statements now, and the returned answers, which
   * complete the requests (and so write the FETCHes' replies) once the caller has let the claim go
   * ({@link PgFetchBatcher}).
   */
  Runnable claimBatch(List<PgFetchRequest> batch) {
    Map<List<String>, List<PgFetchRequest>> groups = new LinkedHashMap<>();
    List<Runnable> answers = new ArrayList<>();
    for (PgFetchRequest r : batch) {
      if (r.queues().isEmpty()) {
        answers.add(() -> r.result().complete(Optional.empty()));
      } else {
        groups.computeIfAbsent(r.queues(), k -> new ArrayList<>()).add(r);
      }
    }
    for (Map.Entry<List<String>, List<PgFetchRequest>> g : groups.entrySet()) {
      List<PgFetchRequest> waiting = g.getValue();
      try {
        List<Reservation> got = PgWork.autocommit(db, c -> claim(c, g.getKey(), waiting));
        answers.add(
            () -> {
              for (int i = 0; i < waiting.size(); i++) {
                waiting
                    .get(i)
                    .result()
                    .complete(Optional.ofNullable(i < got.size() ? got.get(i) : null));
              }
            });
      } catch (RuntimeException | Error e) {
        answers.add(() -> waiting.forEach(r -> r.result().completeExceptionally(e)));
      }
    }
    return () -> answers.forEach(Runnable::run);
  }

  /** What a deadline function gives a payload that names no reservation time of its own. */
  static final byte[] PLAIN_PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);

  /** One group's statement: the reservations of its first requests, in request order. */
  private List<Reservation> claim(Connection c, List<String> queues, List<PgFetchRequest> waiting)
      throws SQLException {
    int n = waiting.size();
    String[] wids = new String[n];
    Long[] ats = new Long[n];
    Long[] untils = new Long[n];
    for (int i = 0; i < n; i++) {
      PgFetchRequest r = waiting.get(i);
      wids[i] = r.wid();
      ats[i] = PgTime.micros(r.now());
      untils[i] = PgTime.micros(r.deadline().apply(PLAIN_PAYLOAD));
    }
    List<Reservation> out = new ArrayList<>();
    List<Long> fixSeqs = new ArrayList<>();
    List<Long> fixUntils = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(claimAndMark)) {
      p.setArray(1, c.createArrayOf("text", queues.toArray(String[]::new)));
      p.setInt(2, n);
      p.setInt(3, n);
      p.setArray(4, c.createArrayOf("text", wids));
      p.setArray(5, c.createArrayOf("bigint", ats));
      p.setArray(6, c.createArrayOf("bigint", untils));
      p.execute(); // the settings' row first, then the claim's rows
      p.getMoreResults();
      try (ResultSet rs = p.getResultSet()) {
        while (rs.next()) {
          int i = (int) rs.getLong(1) - 1;
          long seq = rs.getLong(2);
          byte[] payload = rs.getBytes(5);
          PgFetchRequest r = waiting.get(i);
          long until = PgTime.micros(r.deadline().apply(payload));
          if (until != untils[i]) {
            fixSeqs.add(seq);
            fixUntils.add(until);
          }
          out.add(
              new Reservation(
                  rs.getString(3),
                  rs.getString(4),
                  payload,
                  r.wid(),
                  PgTime.instant(ats[i]),
                  PgTime.instant(until)));
        }
      }
    }
    if (!fixSeqs.isEmpty()) {
      try (PreparedStatement p = c.prepareStatement(reconcile)) {
        p.setArray(1, c.createArrayOf("bigint", fixSeqs.toArray()));
        p.setArray(2, c.createArrayOf("bigint", fixUntils.toArray()));
        p.executeUpdate();
      }
    }
    return out;
  }

  /**
   * FAIL: lock the oldest reservation of the jid, let {@code decision} look at it, then delete it,
   * store the outcome and count, all in one transaction. When anything throws (the decision
   * included) the transaction rolls back and the reservation is held as before.
   */
  Optional<Reservation> fail(String jid, FailureDecision decision) {
    return PgWork.transaction(
        db,
        c -> {
          long id;
          Reservation r;
          try (PreparedStatement p = c.prepareStatement(lockOldest)) {
            p.setString(1, jid);
            try (ResultSet rs = p.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              id = rs.getLong(1);
              r = reservation(rs, 2);
            }
          }
          FailureDecision.Outcome outcome = decision.decide(r);
          try (PreparedStatement p = c.prepareStatement(deleteById)) {
            p.setLong(1, id);
            p.executeQuery().close();
          }
          switch (outcome) {
            case FailureDecision.Retry retry ->
                inserts.entries(
                    c,
                    List.of(
                        new SetEntry(
                            SetName.RETRIES, retry.at(), jid, r.queue(), retry.payload())));
            case FailureDecision.Dead dead ->
                inserts.entries(
                    c,
                    List.of(
                        new SetEntry(
                            SetName.DEAD, dead.expiresAt(), jid, r.queue(), dead.payload())));
            case FailureDecision.Discard discard -> PgJobFates.record(c, db, jid, discard);
            case FailureDecision.Snooze snooze -> {
              inserts.entries(
                  c,
                  List.of(
                      new SetEntry(
                          SetName.SCHEDULED, snooze.until(), jid, r.queue(), snooze.payload())));
              return Optional.of(r);
            }
          }
          try (PreparedStatement p = c.prepareStatement(countFailure)) {
            p.executeUpdate();
          }
          return Optional.of(r);
        });
  }

  /** Moves every reservation of the jid to {@code until} unless it already ends later. */
  boolean extend(String jid, Instant until) {
    long untilUs = PgTime.micros(until);
    return PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(extend)) {
            p.setString(1, jid);
            p.setLong(2, untilUs);
            p.setLong(3, untilUs);
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              return rs.getLong(1) > 0;
            }
          }
        });
  }

  List<Reservation> expired(Instant now, int limit) {
    return PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(expired)) {
            p.setLong(1, PgTime.micros(now));
            p.setInt(2, limit);
            return list(p);
          }
        });
  }

  List<Reservation> oldestFirst(int limit) {
    return PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(list)) {
            p.setInt(1, limit);
            return list(p);
          }
        });
  }

  long workingSize() {
    return PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(working);
              ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  private static List<Reservation> list(PreparedStatement p) throws SQLException {
    List<Reservation> out = new ArrayList<>();
    try (ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(reservation(rs, 1));
      }
    }
    return out;
  }

  /** Reads {@link #COLUMNS} starting at column {@code from}. */
  static Reservation reservation(ResultSet rs, int from) throws SQLException {
    return new Reservation(
        rs.getString(from),
        rs.getString(from + 1),
        rs.getBytes(from + 2),
        rs.getString(from + 3),
        PgTime.instant(rs.getLong(from + 4)),
        PgTime.instant(rs.getLong(from + 5)));
  }
}
