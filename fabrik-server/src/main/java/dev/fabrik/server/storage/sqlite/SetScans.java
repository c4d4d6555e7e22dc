package dev.fabrik.server.storage.sqlite;

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
import java.util.List;

/**
 * Cursor-paged scans of a set, with the UI's filters.
 *
 * <p>Every scan walks an index in (score, jid, id) order from the cursor: {@code
 * set_entries_order}, or {@code set_entries_by_jobtype} when a job type is given (an equality on
 * its second column, so a job type filter is a range scan too). The cursor condition is written
 * {@code score >= ? AND (score, jid, id) > (?, ?, ?)}: the plain range on score is what the planner
 * seeks with; the row value only drops the twins of the cursor's score.
 *
 * <p>A text search must read payloads, so it is bounded: one index-only query finds the key {@link
 * Store#SCAN_BUDGET} entries on (the "boundary"), and the search reads payloads only up to it:
 *
 * <pre>
 * SELECT id, score, jid, queue, payload FROM set_entries
 *  WHERE set_id = ? [AND jobtype = ?] AND score >= ? AND (score, jid, id) > (?, ?, ?)
 *    AND score <= ? AND (score, jid, id) <= (?, ?, ?) AND payload LIKE ? ESCAPE '\'
 *  ORDER BY score, jid, id LIMIT ?
 * </pre>
 */
final class SetScans {

  private SetScans() {}

  /**
   * A page of {@code set} matching {@code query} after {@code after}, only rows with {@code id <=
   * maxId} (bulk mutations skip what they added themselves).
   */
  static SetPage scan(
      Connection c, SetName set, SetQuery query, SetEntry.Key after, int limit, long maxId)
      throws SQLException {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
    boolean desc = query.descending();
    SqlWhere where = new SqlWhere();
    where.and("set_id = ?", set.ordinal());
    if (query.fingerprint() != null) {
      where.and("fingerprint = ?", query.fingerprint()); // set_entries_by_fingerprint
    }
    if (query.jobtype() != null) {
      where.and("jobtype = ?", query.jobtype());
    }
    if (after != null) {
      long seq = after.hasSeq() ? after.seq() : desc ? -1 : Long.MAX_VALUE;
      long score = SetTables.micros(after.score());
      where.and(desc ? "score <= ?" : "score >= ?", score);
      where.and(
          desc ? "(score, jid, id) < (?, ?, ?)" : "(score, jid, id) > (?, ?, ?)",
          score,
          after.jid(),
          seq);
    }
    if (maxId < Long.MAX_VALUE) {
      where.and("id <= ?", maxId);
    }
    String order = desc ? " ORDER BY score DESC, jid DESC, id DESC" : " ORDER BY score, jid, id";

    SetEntry.Key boundary = null;
    if (query.searchesText()) {
      boundary = boundary(c, where, order);
      if (boundary != null) {
        long score = SetTables.micros(boundary.score());
        where.and(desc ? "score >= ?" : "score <= ?", score);
        where.and(
            desc ? "(score, jid, id) >= (?, ?, ?)" : "(score, jid, id) <= (?, ?, ?)",
            score,
            boundary.jid(),
            boundary.seq());
      }
      where.and("payload LIKE ? ESCAPE '\\'", SqlWhere.likeAnywhere(query.text()));
    }
    String sql =
        "SELECT "
            + SetTables.COLUMNS
            + " FROM set_entries WHERE "
            + where.sql()
            + order
            + " LIMIT ?";
    int probe = limit == Integer.MAX_VALUE ? limit : limit + 1; // one more: is there a next page?
    where.param(probe);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      where.bind(ps);
      List<SetEntry> rows = SetTables.rows(ps, set, probe);
      if (rows.size() > limit) {
        List<SetEntry> page = rows.subList(0, limit);
        return new SetPage(page, page.getLast().key());
      }
      return new SetPage(rows, boundary);
    }
  }

  /**
   * The key of the {@link Store#SCAN_BUDGET}-th entry the scan would examine, or null when fewer
   * remain (then the scan reaches the end of the set). Reads the index only.
   */
  private static SetEntry.Key boundary(Connection c, SqlWhere where, String order)
      throws SQLException {
    String sql =
        "SELECT score, jid, id FROM set_entries WHERE "
            + where.sql()
            + order
            + " LIMIT 1 OFFSET "
            + (Store.SCAN_BUDGET - 1);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      where.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new SetEntry.Key(SetTables.instant(rs.getLong(1)), rs.getString(2), rs.getLong(3));
      }
    }
  }
}
