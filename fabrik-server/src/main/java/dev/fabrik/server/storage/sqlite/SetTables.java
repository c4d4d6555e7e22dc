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

/**
 * SQL of the three sorted sets, all in {@code set_entries} told apart by {@code set_id} (the enum
 * ordinal). Order is (score, jid, id): the index {@code (set_id, score, jid)} ends with the rowid,
 * so every ordered query walks the index. The row id is each entry's {@link SetEntry#seq()}; the
 * store assigns ids from a counter, so they only grow (SQLite's own choice, max + 1, would hand a
 * deleted last id out again). Paged scans are in {@link SetScans}.
 */
final class SetTables {

  static final String COLUMNS = "id, score, jid, queue, payload";
  static final String INSERT =
      "INSERT INTO set_entries(id, set_id, score, jid, queue, payload) VALUES (?, ?, ?, ?, ?, ?)";
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
  static final String FIND_EXACT =
      "SELECT "
          + COLUMNS
          + " FROM set_entries WHERE id = ? AND set_id = ? AND score = ? AND jid = ?";
  static final String FIND_OLDEST_TWIN =
      "SELECT "
          + COLUMNS
          + " FROM set_entries WHERE set_id = ? AND score = ? AND jid = ?"
          + " ORDER BY id LIMIT 1";
  static final String MAX_ID = "SELECT coalesce(max(id), 0) FROM set_entries";

  private SetTables() {}

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  static void insert(
      Tx tx, long id, SetName set, Instant score, String jid, String queue, byte[] payload)
      throws SQLException {
    PreparedStatement ps = tx.prepare(INSERT);
    ps.setLong(1, id);
    ps.setInt(2, set.ordinal());
    ps.setLong(3, micros(score));
    ps.setString(4, jid);
    ps.setString(5, queue);
    ps.setBytes(6, payload);
    ps.executeUpdate();
  }

  /** True when the row was still there. */
  static boolean delete(Tx tx, long id) throws SQLException {
    PreparedStatement ps = tx.prepare(DELETE);
    ps.setLong(1, id);
    return ps.executeUpdate() == 1;
  }

  static List<SetEntry> due(Tx tx, SetName set, Instant now, int limit) throws SQLException {
    PreparedStatement ps = tx.prepare(DUE);
    ps.setInt(1, set.ordinal());
    ps.setLong(2, micros(now));
    ps.setInt(3, limit);
    return rows(ps, set, Integer.MAX_VALUE);
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

  /**
   * The entry {@code key} names: exactly that row when it has a sequence, else the oldest twin.
   * {@code ps} is {@link #FIND_EXACT} or {@link #FIND_OLDEST_TWIN} as {@code key.hasSeq()} says.
   */
  static SetEntry find(PreparedStatement ps, SetName set, SetEntry.Key key) throws SQLException {
    int i = 1;
    if (key.hasSeq()) {
      ps.setLong(i++, key.seq());
    }
    ps.setInt(i++, set.ordinal());
    ps.setLong(i++, micros(key.score()));
    ps.setString(i, key.jid());
    List<SetEntry> rows = rows(ps, set, 1);
    return rows.isEmpty() ? null : rows.getFirst();
  }

  static String findSql(SetEntry.Key key) {
    return key.hasSeq() ? FIND_EXACT : FIND_OLDEST_TWIN;
  }

  /** Reads up to {@code limit} rows of {@link #COLUMNS}; each entry's seq is its row id. */
  static List<SetEntry> rows(PreparedStatement ps, SetName set, int limit) throws SQLException {
    List<SetEntry> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (out.size() < limit && rs.next()) {
        out.add(
            new SetEntry(
                set,
                instant(rs.getLong(2)),
                rs.getString(3),
                rs.getString(4),
                rs.getBytes(5),
                rs.getLong(1)));
      }
    }
    return out;
  }

  /**
   * The greatest set entry id committed now: entries added later (also by the mutation itself, as a
   * kill within the dead set re-adds) have greater ids, which is how a bulk mutation skips them.
   */
  static long maxId(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SetTables.MAX_ID);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
