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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

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
  private final String reserve;
  private final String setDeadline;
  private final String lockOldest;
  private final String deleteById;
  private final String countFailure;
  private final String extend;
  private final String expired;
  private final String list;
  private final String working;

  /**
   * The reservation time the last FETCH ended up with ({@code deadline - now}), guessed for the
   * next one so that a FETCH is usually a single statement (see {@link #reserve}).
   */
  private final AtomicLong guessMicros = new AtomicLong(1800_000_000L);

  PgReservations(PgDatabase db, PgInserts inserts) {
    this.db = db;
    this.inserts = inserts;
    // The first queue of the list (in its order) with a job: its best job, which no other
    // session holds; nested-loop evaluation stops at the first queue that yields a row, so only
    // that row is locked.
    //
    // The statement's own transaction commits with synchronous_commit off (set_config(..., true)
    // lasts until that commit): a FETCH does not wait for a WAL flush. A crash may lose the
    // reservation, which only means the job is delivered again (at-least-once, as the issue
    // allows); it can never lose a PUSH or an ACK, whose synchronous commits flush the WAL up to
    // and including every reservation committed before them.
    reserve =
        db.sql(
            "WITH moved AS (UPDATE {s}.jobs j SET wid = ?, reserved_at_us = ?,"
                + " reserved_until_us = ?, reserved_seq = nextval('{s}.reservation_seq')"
                + " WHERE j.id = (SELECT c.id FROM unnest(?::text[]) WITH ORDINALITY AS q(name, n)"
                + " CROSS JOIN LATERAL (SELECT id FROM {s}.jobs WHERE queue = q.name"
                + " AND reserved_until_us IS NULL ORDER BY priority DESC, id LIMIT 1"
                + " FOR UPDATE SKIP LOCKED) c LIMIT 1)"
                + " RETURNING j.id, j."
                + COLUMNS.replace(", ", ", j.")
                + "), "
                + PgQueueCounts.cte("moved", -1, 1)
                + ", unsynced AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))"
                + " SELECT id, "
                + COLUMNS
                + " FROM moved CROSS JOIN unsynced");
    setDeadline =
        db.sql(
            "UPDATE {s}.jobs SET reserved_until_us = ? WHERE id = ?"
                + " AND set_config('synchronous_commit', 'off', true) IS NOT NULL");
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
   * Claims the next job. The deadline depends on the payload (its {@code reserve_for}), which the
   * claiming statement cannot read in Java: it stores the last reservation time as a guess, and a
   * second statement corrects it when this job's differs. A crash between the two leaves the guess,
   * which only means the job may be delivered again sooner (at-least-once).
   */
  Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    if (queues.isEmpty()) {
      return Optional.empty();
    }
    long nowUs = PgTime.micros(now);
    long guessUs = nowUs + guessMicros.get();
    return PgWork.autocommit(
        db,
        c -> {
          long id;
          Reservation r;
          try (PreparedStatement p = c.prepareStatement(reserve)) {
            p.setString(1, wid);
            p.setLong(2, nowUs);
            p.setLong(3, guessUs);
            p.setArray(4, c.createArrayOf("text", queues.toArray(String[]::new)));
            try (ResultSet rs = p.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              id = rs.getLong(1);
              r = reservation(rs, 2);
            }
          }
          Instant until = deadline.apply(r.payload());
          long untilUs = PgTime.micros(until);
          if (untilUs != guessUs) {
            guessMicros.set(untilUs - nowUs);
            try (PreparedStatement p = c.prepareStatement(setDeadline)) {
              p.setLong(1, untilUs);
              p.setLong(2, id);
              p.executeUpdate();
            }
          }
          return Optional.of(
              new Reservation(r.jid(), r.queue(), r.payload(), r.wid(), r.reservedAt(), until));
        });
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
