package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
  private final String claimBatch;
  private final String markBatch;
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
    // A group's candidates: up to n jobs, queue by queue in the list's order, best first in each.
    // Nested-loop evaluation with the outer LIMIT stops pulling (and locking) once n rows came, so
    // a later queue is read only when the earlier ones had fewer than n free jobs:
    //   SELECT q.n, c.* FROM unnest('{a,b}'::text[]) WITH ORDINALITY q(name, n)
    //   CROSS JOIN LATERAL (SELECT ... WHERE queue = q.name AND reserved_until_us IS NULL
    //     AND id <> ALL('{17,18}') ORDER BY priority DESC, id LIMIT 3 FOR UPDATE SKIP LOCKED) c
    //   LIMIT 3
    // The ids are the rows earlier groups of the same batch claimed: this transaction holds their
    // locks (SKIP LOCKED does not skip its own) and has not marked them reserved yet.
    claimBatch =
        db.sql(
            "SELECT q.n, c.id, c.priority, c.jid, c.queue, c.payload"
                + " FROM unnest(?::text[]) WITH ORDINALITY AS q(name, n)"
                + " CROSS JOIN LATERAL (SELECT id, priority, jid, queue, payload FROM {s}.jobs"
                + " WHERE queue = q.name AND reserved_until_us IS NULL AND id <> ALL(?::bigint[])"
                + " ORDER BY priority DESC, id LIMIT ? FOR UPDATE SKIP LOCKED) c LIMIT ?");
    // Every claimed row of the batch in one statement, each with its own worker and deadline
    // (read from its payload in Java, between the claim and this statement).
    //
    // The transaction commits with synchronous_commit off (set_config(..., true) lasts until that
    // commit): a FETCH does not wait for a WAL flush. A crash may lose the reservations, which only
    // means the jobs are delivered again (at-least-once, as the issue allows); it can never lose a
    // PUSH or an ACK, whose synchronous commits flush the WAL up to and including every
    // reservation committed before them.
    markBatch =
        db.sql(
            "WITH moved AS (UPDATE {s}.jobs j SET wid = m.wid, reserved_at_us = m.at,"
                + " reserved_until_us = m.until, reserved_seq = nextval('{s}.reservation_seq')"
                + " FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[]) AS m(id, wid, at, until)"
                + " WHERE j.id = m.id RETURNING j.queue), "
                + PgQueueCounts.cte("moved", -1, 1)
                + ", unsynced AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))"
                + " SELECT count(*) FROM moved CROSS JOIN unsynced");
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
    expired =
        db.sql(
            "SELECT "
                + COLUMNS
                + " FROM {s}.jobs WHERE reserved_until_us IS NOT NULL AND reserved_until_us <= ?"
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
   * Serves a batch of FETCHes ({@link PgFetchBatcher}) in one transaction: the requests with the
   * same queue list form a group, whose claiming statement locks up to as many jobs as the group
   * has requests; the group's requests, in arrival order, get its jobs in the order a lone FETCH
   * would have got them (first non-empty queue of the list, highest priority, oldest), and the
   * requests beyond the jobs found get empty. One statement then marks every claimed row reserved,
   * and one commit ends it. Every request of the batch is completed, also when it fails.
   */
  void reserveBatch(List<PgFetchRequest> batch) {
    Map<List<String>, List<PgFetchRequest>> groups = new LinkedHashMap<>();
    for (PgFetchRequest r : batch) {
      if (r.queues().isEmpty()) {
        r.result().complete(Optional.empty());
      } else {
        groups.computeIfAbsent(r.queues(), k -> new ArrayList<>()).add(r);
      }
    }
    if (groups.isEmpty()) {
      return;
    }
    Map<PgFetchRequest, Reservation> out = new HashMap<>();
    try {
      PgWork.transaction(
          db,
          c -> {
            List<Long> ids = new ArrayList<>();
            List<String> wids = new ArrayList<>();
            List<Long> ats = new ArrayList<>();
            List<Long> untils = new ArrayList<>();
            for (Map.Entry<List<String>, List<PgFetchRequest>> g : groups.entrySet()) {
              List<PgFetchRequest> waiting = g.getValue();
              try (PreparedStatement p = c.prepareStatement(claimBatch)) {
                p.setArray(1, c.createArrayOf("text", g.getKey().toArray(String[]::new)));
                p.setArray(2, c.createArrayOf("bigint", ids.toArray()));
                p.setInt(3, waiting.size());
                p.setInt(4, waiting.size());
                List<Claimed> claimed = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                  while (rs.next()) {
                    claimed.add(
                        new Claimed(
                            rs.getLong(1),
                            rs.getLong(2),
                            rs.getShort(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getBytes(6)));
                  }
                }
                // The rows already come in this order; sorting states it rather than trusting
                // the plan.
                claimed.sort(Claimed.ORDER);
                for (int i = 0; i < claimed.size(); i++) {
                  PgFetchRequest r = waiting.get(i);
                  Claimed job = claimed.get(i);
                  Instant until = r.deadline().apply(job.payload());
                  ids.add(job.id());
                  wids.add(r.wid());
                  ats.add(PgTime.micros(r.now()));
                  untils.add(PgTime.micros(until));
                  out.put(
                      r,
                      new Reservation(
                          job.jid(),
                          job.queue(),
                          job.payload(),
                          r.wid(),
                          PgTime.instant(PgTime.micros(r.now())),
                          until));
                }
              }
            }
            if (!ids.isEmpty()) {
              try (PreparedStatement p = c.prepareStatement(markBatch)) {
                p.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                p.setArray(2, c.createArrayOf("text", wids.toArray()));
                p.setArray(3, c.createArrayOf("bigint", ats.toArray()));
                p.setArray(4, c.createArrayOf("bigint", untils.toArray()));
                p.executeQuery().close();
              }
            }
            return null;
          });
    } catch (RuntimeException | Error e) {
      for (PgFetchRequest r : batch) {
        r.result().completeExceptionally(e);
      }
      return;
    }
    for (PgFetchRequest r : batch) {
      r.result().complete(Optional.ofNullable(out.get(r)));
    }
  }

  /** A row a group's claiming statement locked: its queue's place in the list, and the job. */
  private record Claimed(
      long queueOrdinal, long id, short priority, String jid, String queue, byte[] payload) {
    static final Comparator<Claimed> ORDER =
        Comparator.comparingLong(Claimed::queueOrdinal)
            .thenComparing(Comparator.comparingInt(Claimed::priority).reversed())
            .thenComparingLong(Claimed::id);
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
            case FailureDecision.Discard discard -> {}
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
