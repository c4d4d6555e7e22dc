package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cluster.NodeInfo;
import dev.fabrik.server.cluster.NodeStore;
import dev.fabrik.server.storage.StorageException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code {s}.nodes} table (V4__cluster.sql): one row per running server process. */
public final class PgNodeStore implements NodeStore {
  private final PgDatabase db;
  private final String upsert;
  private final String select;
  private final String deleteSilent;
  private final String deleteOne;

  public PgNodeStore(PgDatabase db) {
    this.db = db;
    // A refresh re-creates the row if another node deleted it while this one was paused (a long
    // GC).
    this.upsert =
        db.sql(
            "INSERT INTO {s}.nodes AS n"
                + " (id, hostname, pid, version, bindings, connections, started_at_us, last_seen_us)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET bindings = excluded.bindings,"
                + " connections = excluded.connections, last_seen_us = excluded.last_seen_us");
    this.select =
        db.sql(
            "SELECT id, hostname, pid, version, bindings, connections, started_at_us, last_seen_us"
                + " FROM {s}.nodes ORDER BY started_at_us, id");
    this.deleteSilent = db.sql("DELETE FROM {s}.nodes WHERE last_seen_us < ?");
    this.deleteOne = db.sql("DELETE FROM {s}.nodes WHERE id = ?");
  }

  @Override
  public void upsert(NodeInfo node) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(upsert)) {
      ps.setString(1, node.id());
      ps.setString(2, node.hostname() == null ? "" : node.hostname());
      ps.setLong(3, node.pid());
      ps.setString(4, node.version() == null ? "" : node.version());
      ps.setArray(5, c.createArrayOf("text", node.bindings().toArray()));
      ps.setInt(6, node.connections());
      ps.setLong(7, PgTime.micros(node.startedAt()));
      ps.setLong(8, PgTime.micros(node.lastSeen()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failed("registering node " + node.id(), e);
    }
  }

  @Override
  public List<NodeInfo> nodes() {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(select);
        ResultSet rs = ps.executeQuery()) {
      List<NodeInfo> out = new ArrayList<>();
      while (rs.next()) {
        out.add(
            new NodeInfo(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getString(4),
                strings(rs.getArray(5)),
                rs.getInt(6),
                PgTime.instant(rs.getLong(7)),
                PgTime.instant(rs.getLong(8))));
      }
      return out;
    } catch (SQLException e) {
      throw failed("listing nodes", e);
    }
  }

  @Override
  public int deleteSilentSince(Instant cutoff) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(deleteSilent)) {
      ps.setLong(1, PgTime.micros(cutoff));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failed("deleting silent nodes", e);
    }
  }

  @Override
  public boolean delete(String id) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(deleteOne)) {
      ps.setString(1, id);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failed("deleting node " + id, e);
    }
  }

  static List<String> strings(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    return Arrays.stream(values).map(String::valueOf).toList();
  }

  static StorageException failed(String what, SQLException e) {
    return new StorageException(what + " failed: " + PgDatabase.rootMessage(e), e);
  }
}
