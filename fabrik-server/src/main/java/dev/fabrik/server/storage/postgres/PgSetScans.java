package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.SqlWhere;
import dev.fabrik.server.storage.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cursor-paged reads of a set in {@code {s}.set_entries}, with the UI's filters, and lookups by
 * key.
 *
 * <p>Every scan is a range scan of an index in (score_us, jid, seq) order starting at the cursor:
 * {@code set_entries_order}, or {@code set_entries_by_jobtype} when a job type is given (an
 * equality on its second column keeps it a range scan). Descending pages walk the same index
 * backwards. The cursor is a row comparison, which PostgreSQL uses as an index condition:
 *
 * <pre>
 * SELECT seq, score_us, jid, queue, payload FROM fabrik.set_entries
 *  WHERE set_name = 'dead' AND (score_us, jid, seq) > ($1, $2, $3)
 *  ORDER BY score_us, jid, seq LIMIT $4
 * </pre>
 *
 * A key without a sequence stands for all its twins: as a cursor its seq is written as -1 (going
 * down) or the greatest bigint (going up), so every twin lies on the cursor's side and is skipped.
 *
 * <p>A text search reads payloads, so one call examines at most {@link Store#SCAN_BUDGET} entries:
 * a first query reads the index only, for the key of the last entry within the budget (the
 * "boundary", only when at least one more entry follows it), and the search stops there:
 *
 * <pre>
 *   AND (score_us, jid, seq) <= (boundary) AND convert_from(payload, 'UTF8') COLLATE "C" ILIKE $5
 * </pre>
 *
 * Under the "C" collation ILIKE folds ASCII letters only, which is what {@link
 * SetQuery#textMatches} means by "ASCII case ignored".
 */
final class PgSetScans {
  static final String COLUMNS = "seq, score_us, jid, queue, payload";

  private final PgDatabase db;
  private final String findExact;
  private final String findOldestTwin;

  PgSetScans(PgDatabase db) {
    this.db = db;
    findExact =
        db.sql(
            "SELECT "
                + COLUMNS
                + " FROM {s}.set_entries"
                + " WHERE seq = ? AND set_name = ? AND score_us = ? AND jid = ?");
    findOldestTwin =
        db.sql(
            "SELECT "
                + COLUMNS
                + " FROM {s}.set_entries WHERE set_name = ? AND score_us = ? AND jid = ?"
                + " ORDER BY seq LIMIT 1");
  }

  /**
   * A page of {@code set} matching {@code query} after {@code after}, only rows with {@code seq <=
   * maxSeq} (bulk mutations skip what was added after they started, their own kills included).
   */
  SetPage scan(
      Connection c, SetName set, SetQuery query, SetEntry.Key after, int limit, long maxSeq)
      throws SQLException {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
    boolean desc = query.descending();
    SqlWhere where = new SqlWhere();
    where.and("set_name = ?", set.wireName());
    if (query.fingerprint() != null) {
      where.and("fingerprint = ?", query.fingerprint()); // set_entries_by_fingerprint (V9)
    }
    if (query.jobtype() != null) {
      where.and("jobtype = ?", query.jobtype());
    }
    if (after != null) {
      long seq = after.hasSeq() ? after.seq() : desc ? -1 : Long.MAX_VALUE;
      addKey(where, desc ? "<" : ">", PgTime.micros(after.score()), after.jid(), seq);
    }
    if (maxSeq < Long.MAX_VALUE) {
      where.and("seq <= ?", maxSeq);
    }
    String order =
        desc ? " ORDER BY score_us DESC, jid DESC, seq DESC" : " ORDER BY score_us, jid, seq";

    SetEntry.Key boundary = null;
    if (query.searchesText()) {
      boundary = boundary(c, where, order);
      if (boundary != null) {
        addKey(
            where,
            desc ? ">=" : "<=",
            PgTime.micros(boundary.score()),
            boundary.jid(),
            boundary.seq());
      }
      where.and(
          "convert_from(payload, 'UTF8') COLLATE \"C\" ILIKE ? ESCAPE '\\'",
          SqlWhere.likeAnywhere(query.text()));
    }
    // One row more than asked for tells whether a next page exists.
    long probe = limit == Integer.MAX_VALUE ? limit : limit + 1L;
    where.param(probe);
    String sql =
        db.sql("SELECT " + COLUMNS + " FROM {s}.set_entries WHERE ")
            + where.sql()
            + order
            + " LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      where.bind(ps);
      List<SetEntry> rows = rows(ps, set);
      if (rows.size() > limit) {
        List<SetEntry> page = rows.subList(0, limit);
        return new SetPage(page, page.getLast().key());
      }
      return new SetPage(rows, boundary);
    }
  }

  /**
   * The key of the last entry a budgeted scan may examine, or null when no entry follows it (then
   * the scan may run to the end of the set). Reads the index only, never a payload.
   */
  private SetEntry.Key boundary(Connection c, SqlWhere where, String order) throws SQLException {
    String sql =
        db.sql("SELECT score_us, jid, seq FROM {s}.set_entries WHERE ")
            + where.sql()
            + order
            + " LIMIT 2 OFFSET "
            + (Store.SCAN_BUDGET - 1);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      where.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        SetEntry.Key last =
            new SetEntry.Key(PgTime.instant(rs.getLong(1)), rs.getString(2), rs.getLong(3));
        return rs.next() ? last : null;
      }
    }
  }

  /** The entry a key names: exactly that one when it has a sequence, else the oldest twin. */
  SetEntry find(Connection c, SetName set, SetEntry.Key key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(key.hasSeq() ? findExact : findOldestTwin)) {
      int i = 1;
      if (key.hasSeq()) {
        ps.setLong(i++, key.seq());
      }
      ps.setString(i++, set.wireName());
      ps.setLong(i++, PgTime.micros(key.score()));
      ps.setString(i, key.jid());
      List<SetEntry> rows = rows(ps, set);
      return rows.isEmpty() ? null : rows.getFirst();
    }
  }

  /** The greatest seq handed out so far (0 before any): later entries have greater ones. */
  long maxSeq(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(db.sql("SELECT coalesce(max(seq), 0) FROM {s}.set_entries"));
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Reads the rows of {@link #COLUMNS} that {@code ps} returns. */
  static List<SetEntry> rows(PreparedStatement ps, SetName set) throws SQLException {
    List<SetEntry> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row(rs, set));
      }
    }
    return out;
  }

  static SetEntry row(ResultSet rs, SetName set) throws SQLException {
    return new SetEntry(
        set,
        PgTime.instant(rs.getLong(2)),
        rs.getString(3),
        rs.getString(4),
        rs.getBytes(5),
        rs.getLong(1));
  }

  /**
   * {@code (score_us, jid, seq) op (score, jid, seq)}; the plain bound on score_us beside it lets
   * the planner start the index range there even when it does not use the row value.
   */
  private static void addKey(SqlWhere where, String op, long score, String jid, long seq) {
    String scoreOp = op.startsWith("<") ? "<=" : ">=";
    where.and("score_us " + scoreOp + " ?", score);
    where.and("(score_us, jid, seq) " + op + " (?, ?, ?)", score, jid, seq);
  }
}
