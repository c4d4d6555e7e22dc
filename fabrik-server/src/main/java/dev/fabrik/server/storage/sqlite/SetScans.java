package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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
    Where where = new Where();
    where.add("set_id = ?", set.ordinal());
    if (query.jobtype() != null) {
      where.add("jobtype = ?", query.jobtype());
    }
    if (after != null) {
      long seq = after.hasSeq() ? after.seq() : desc ? -1 : Long.MAX_VALUE;
      long score = SetTables.micros(after.score());
      where.add(desc ? "score <= ?" : "score >= ?", score);
      where.add(desc ? "(score, jid, id) < (?, ?, ?)" : "(score, jid, id) > (?, ?, ?)", score);
      where.params.add(after.jid());
      where.params.add(seq);
    }
    if (maxId < Long.MAX_VALUE) {
      where.add("id <= ?", maxId);
    }
    String order = desc ? " ORDER BY score DESC, jid DESC, id DESC" : " ORDER BY score, jid, id";

    SetEntry.Key boundary = null;
    if (query.searchesText()) {
      boundary = boundary(c, where, order);
      if (boundary != null) {
        long score = SetTables.micros(boundary.score());
        where.add(desc ? "score >= ?" : "score <= ?", score);
        where.add(desc ? "(score, jid, id) >= (?, ?, ?)" : "(score, jid, id) <= (?, ?, ?)", score);
        where.params.add(boundary.jid());
        where.params.add(boundary.seq());
      }
      where.add("payload LIKE ? ESCAPE '\\'", likePattern(query.text()));
    }
    String sql =
        "SELECT " + SetTables.COLUMNS + " FROM set_entries WHERE " + where.sql + order + " LIMIT ?";
    int probe = limit == Integer.MAX_VALUE ? limit : limit + 1; // one more: is there a next page?
    where.params.add(probe);
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
  private static SetEntry.Key boundary(Connection c, Where where, String order)
      throws SQLException {
    String sql =
        "SELECT score, jid, id FROM set_entries WHERE "
            + where.sql
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

  /** {@code %text%} with LIKE's wildcards escaped: the text is matched literally. */
  static String likePattern(String text) {
    StringBuilder b = new StringBuilder(text.length() + 2).append('%');
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '%' || ch == '_' || ch == '\\') {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.append('%').toString();
  }

  /** A WHERE clause built up with its parameters in order. */
  private static final class Where {
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    void add(String condition, Object param) {
      if (!sql.isEmpty()) {
        sql.append(" AND ");
      }
      sql.append(condition);
      params.add(param);
    }

    void bind(PreparedStatement ps) throws SQLException {
      for (int i = 0; i < params.size(); i++) {
        switch (params.get(i)) {
          case Integer v -> ps.setInt(i + 1, v);
          case Long v -> ps.setLong(i + 1, v);
          case String v -> ps.setString(i + 1, v);
          default -> throw new IllegalStateException("unexpected parameter " + params.get(i));
        }
      }
    }
  }
}
