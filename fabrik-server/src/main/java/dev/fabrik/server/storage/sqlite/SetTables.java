package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * SQL of the three sorted sets, all in {@code set_entries} told apart by {@code set_id} (the enum
 * ordinal). Order is (score, jid, id): the index {@code (set_id, score, jid)} ends with the rowid,
 * so every ordered query below walks the index.
 */
final class SetTables {

  static final String COLUMNS = "id, score, jid, queue, payload";
  static final String INSERT =
      "INSERT INTO set_entries(set_id, score, jid, queue, payload) VALUES (?, ?, ?, ?, ?)";
  static final String DELETE = "DELETE FROM set_entries WHERE id = ?";
  static final String DUE =
      "SELECT "
          + COLUMNS
          + " FROM set_entries WHERE set_id = ? AND score <= ?"
          + " ORDER BY score, jid, id LIMIT ?";
  static final String DELETE_DUE =
      "DELETE FROM set_entries WHERE id IN (SELECT id FROM set_entries"
          + " WHERE set_id = ? AND score <= ? ORDER BY score, jid, id LIMIT ?)";
  static final String DELETE_LOWEST =
      "DELETE FROM set_entries WHERE id IN (SELECT id FROM set_entries"
          + " WHERE set_id = ? ORDER BY score, jid, id LIMIT ?)";

  /** An entry with the row id it is stored under. */
  record Row(long id, SetEntry entry) {}

  private SetTables() {}

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  static void insert(Tx tx, SetName set, Instant score, String jid, String queue, byte[] payload)
      throws SQLException {
    PreparedStatement ps = tx.prepare(INSERT);
    ps.setInt(1, set.ordinal());
    ps.setLong(2, micros(score));
    ps.setString(3, jid);
    ps.setString(4, queue);
    ps.setBytes(5, payload);
    ps.executeUpdate();
  }

  /** True when the row was still there. */
  static boolean delete(Tx tx, long id) throws SQLException {
    PreparedStatement ps = tx.prepare(DELETE);
    ps.setLong(1, id);
    return ps.executeUpdate() == 1;
  }

  static List<Row> due(Tx tx, SetName set, Instant now, int limit) throws SQLException {
    PreparedStatement ps = tx.prepare(DUE);
    ps.setInt(1, set.ordinal());
    ps.setLong(2, micros(now));
    ps.setInt(3, limit);
    return rows(ps, set, Integer.MAX_VALUE, e -> true);
  }

  static int deleteDue(Tx tx, SetName set, Instant now, int limit) throws SQLException {
    PreparedStatement ps = tx.prepare(DELETE_DUE);
    ps.setInt(1, set.ordinal());
    ps.setLong(2, micros(now));
    ps.setInt(3, limit);
    return ps.executeUpdate();
  }

  static int deleteLowest(Tx tx, SetName set, long count) throws SQLException {
    PreparedStatement ps = tx.prepare(DELETE_LOWEST);
    ps.setInt(1, set.ordinal());
    ps.setLong(2, count);
    return ps.executeUpdate();
  }

  static List<SetEntry> scan(Connection c, SetName set, SetEntry.Key after, int limit)
      throws SQLException {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM set_entries WHERE set_id = ?"
            + (after == null ? "" : " AND (score, jid) > (?, ?)")
            + " ORDER BY score, jid, id LIMIT ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setInt(i++, set.ordinal());
      if (after != null) {
        ps.setLong(i++, micros(after.score()));
        ps.setString(i++, after.jid());
      }
      ps.setInt(i, limit);
      return rows(ps, set, limit, e -> true).stream().map(Row::entry).toList();
    }
  }

  static SetEntry find(Connection c, SetName set, SetEntry.Key key) throws SQLException {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM set_entries WHERE set_id = ? AND score = ? AND jid = ?"
            + " ORDER BY id LIMIT 1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, set.ordinal());
      ps.setLong(2, micros(key.score()));
      ps.setString(3, key.jid());
      List<Row> rows = rows(ps, set, 1, e -> true);
      return rows.isEmpty() ? null : rows.getFirst().entry();
    }
  }

  /** Every entry of {@code set} that {@code filter} accepts, in order. */
  static List<Row> matching(Connection c, SetName set, Predicate<SetEntry> filter)
      throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM set_entries WHERE set_id = ? ORDER BY score, jid, id";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, set.ordinal());
      return rows(ps, set, Integer.MAX_VALUE, filter);
    }
  }

  private static List<Row> rows(
      PreparedStatement ps, SetName set, int limit, Predicate<SetEntry> filter)
      throws SQLException {
    List<Row> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (out.size() < limit && rs.next()) {
        SetEntry e =
            new SetEntry(
                set, instant(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getBytes(5));
        if (filter.test(e)) {
          out.add(new Row(rs.getLong(1), e));
        }
      }
    }
    return out;
  }
}
