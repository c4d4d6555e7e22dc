package dev.fabrik.server.storage.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several "server nodes" on ONE fresh, migrated schema, each with a pool of its own, as separate
 * processes would have; plus the reads the feature tests check the tables with. Closing drops the
 * schema and closes every pool.
 */
final class PgNodes implements AutoCloseable {
  private final List<PgDatabase> dbs = new ArrayList<>();

  PgNodes(String prefix, int nodes, int poolSize) {
    PgDatabase first = PgTestDatabase.migrated(prefix, poolSize);
    dbs.add(first);
    for (int i = 1; i < nodes; i++) {
      dbs.add(PgDatabase.open(PgTestDatabase.url(), first.schema(), poolSize));
    }
  }

  PgDatabase node(int i) {
    return dbs.get(i);
  }

  List<PgDatabase> all() {
    return List.copyOf(dbs);
  }

  /** The jids queued in {@code queue}, in id (FIFO) order. */
  List<String> queuedJids(String queue) {
    return strings("SELECT jid FROM {s}.jobs WHERE queue = ? ORDER BY id", queue);
  }

  /** The jids in the set named {@code set}, in insertion order. */
  List<String> setJids(String set) {
    return strings("SELECT jid FROM {s}.set_entries WHERE set_name = ? ORDER BY seq", set);
  }

  private List<String> strings(String sql, String arg) {
    PgDatabase db = dbs.getFirst();
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement(db.sql(sql))) {
      p.setString(1, arg);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      PgTestDatabase.drop(dbs.getFirst());
    } finally {
      dbs.forEach(PgDatabase::close);
    }
  }
}
