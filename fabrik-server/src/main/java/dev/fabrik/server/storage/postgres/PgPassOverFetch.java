package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.PassOver;
import dev.fabrik.server.storage.Reservation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The limited FETCH on PostgreSQL (docs/limits.md), one transaction per FETCH, outside the batched
 * path that plain FETCHes take: claim the first {@value #CANDIDATES} free jobs of each queue whose
 * type is not at its limit, in fetch order, then reserve the first one the rest of the {@link
 * PassOver} lets through; the other candidates are only locked until the commit, never moved:
 *
 * <pre>
 * SELECT ... FROM unnest('{a,b}'::text[]) WITH ORDINALITY q(name, n) CROSS JOIN LATERAL
 *   (SELECT ... FROM fabrik.jobs WHERE queue = q.name AND reserved_until_us IS NULL
 *      AND convert_from(payload, 'UTF8')::jsonb->>'jobtype' <> ALL('{SendEmail}')
 *    ORDER BY priority DESC, id LIMIT 64 FOR UPDATE SKIP LOCKED) c ORDER BY q.n, ...
 * </pre>
 *
 * A reservation whose limit slot was then lost to another node is given back by {@link #unreserve}:
 * its row keeps its id, so it is back in its place.
 */
final class PgPassOverFetch {
  static final int CANDIDATES = 64;

  private final PgDatabase db;
  private final String claimAny;
  private final String claimOtherTypes;
  private final String mark;
  private final String unreserve;

  PgPassOverFetch(PgDatabase db) {
    this.db = db;
    String head =
        "SELECT c.id, c.jid, c.queue, c.payload FROM unnest(?::text[]) WITH ORDINALITY AS q(name, n)"
            + " CROSS JOIN LATERAL (SELECT id, priority, jid, queue, payload FROM {s}.jobs"
            + " WHERE queue = q.name AND reserved_until_us IS NULL";
    String tail =
        " ORDER BY priority DESC, id LIMIT "
            + CANDIDATES
            + " FOR UPDATE SKIP LOCKED) c ORDER BY q.n, c.priority DESC, c.id";
    claimAny = db.sql(head + tail);
    claimOtherTypes =
        db.sql(
            head
                + " AND coalesce(convert_from(payload, 'UTF8')::jsonb->>'jobtype', '')"
                + " <> ALL(?::text[])"
                + tail);
    mark =
        db.sql(
            "WITH moved AS (UPDATE {s}.jobs j SET wid = ?, reserved_at_us = ?,"
                + " reserved_until_us = ?, reserved_seq = nextval('{s}.reservation_seq')"
                + " WHERE j.id = ? RETURNING j.queue), "
                + PgQueueCounts.cte("moved", -1, 1)
                + " SELECT count(*) FROM moved");
    unreserve =
        db.sql(
            "WITH back AS (UPDATE {s}.jobs SET wid = NULL, reserved_at_us = NULL,"
                + " reserved_until_us = NULL, reserved_seq = NULL WHERE id = (SELECT id FROM"
                + " {s}.jobs WHERE jid = ? AND wid = ? AND reserved_at_us = ?"
                + " AND reserved_until_us IS NOT NULL ORDER BY reserved_seq DESC LIMIT 1)"
                + " RETURNING queue), "
                + PgQueueCounts.cte("back", 1, -1)
                + " SELECT count(*) FROM back");
  }

  Optional<Reservation> reserve(
      List<String> queues,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline,
      PassOver passOver) {
    return PgCalls.transaction(
        db,
        "limited fetch",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(passOver.jobtypes().isEmpty() ? claimAny : claimOtherTypes)) {
            p.setArray(1, c.createArrayOf("text", queues.toArray(String[]::new)));
            if (!passOver.jobtypes().isEmpty()) {
              p.setArray(2, c.createArrayOf("text", passOver.jobtypes().toArray(String[]::new)));
            }
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                byte[] payload = rs.getBytes(4);
                if (!passOver.refuses().test(payload)) {
                  return Optional.of(
                      mark(
                          c,
                          rs.getLong(1),
                          rs.getString(2),
                          rs.getString(3),
                          payload,
                          wid,
                          now,
                          deadline));
                }
              }
            }
          }
          return Optional.empty();
        });
  }

  private Reservation mark(
      Connection c,
      long id,
      String jid,
      String queue,
      byte[] payload,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline)
      throws SQLException {
    Instant at = PgTime.instant(PgTime.micros(now));
    Instant until = deadline.apply(payload);
    try (PreparedStatement p = c.prepareStatement(mark)) {
      p.setString(1, wid);
      p.setLong(2, PgTime.micros(at));
      p.setLong(3, PgTime.micros(until));
      p.setLong(4, id);
      p.executeQuery().close();
    }
    return new Reservation(jid, queue, payload, wid, at, until);
  }

  boolean unreserve(Reservation r) {
    return PgCalls.autocommit(
        db,
        "giving a reservation back",
        c -> {
          try (PreparedStatement p = c.prepareStatement(unreserve)) {
            p.setString(1, r.jid());
            p.setString(2, r.wid());
            p.setLong(3, PgTime.micros(r.reservedAt()));
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              return rs.getLong(1) > 0;
            }
          }
        });
  }
}
