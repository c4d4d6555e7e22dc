package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.limits.InProcessLimitStore;
import dev.fabrik.server.limits.LimitRule;
import dev.fabrik.server.limits.LimitRuleJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits on SQLite: slots and rate buckets in this process ({@link InProcessLimitStore}: the
 * store's reservations are in memory too, so none survives a crash), the rules set through the API
 * in the file, so they survive a restart:
 *
 * <pre>
 * limit_rules(id TEXT PRIMARY KEY, rule TEXT)   -- rule: LimitRuleJson
 * </pre>
 */
final class SqliteLimitStore extends InProcessLimitStore {

  static final String DDL =
      "CREATE TABLE IF NOT EXISTS limit_rules(id TEXT PRIMARY KEY, rule TEXT NOT NULL)";

  private final GroupCommitWriter writer;
  private final ReaderPool readers;

  SqliteLimitStore(GroupCommitWriter writer, ReaderPool readers) {
    this.writer = writer;
    this.readers = readers;
  }

  /** Creates the table (on the writer connection, before the writer starts). */
  static void createTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(DDL);
    }
  }

  @Override
  public List<LimitRule> savedRules() {
    return readers.read(
        c -> {
          List<LimitRule> out = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT rule FROM limit_rules ORDER BY id")) {
            while (rs.next()) {
              out.add(LimitRuleJson.parse(rs.getString(1)));
            }
          }
          return out;
        });
  }

  @Override
  public void saveRule(LimitRule rule) {
    writer.write(
        tx -> {
          PreparedStatement p =
              tx.prepare("INSERT OR REPLACE INTO limit_rules(id, rule) VALUES (?, ?)");
          p.setString(1, rule.id());
          p.setString(2, LimitRuleJson.toText(rule));
          return p.executeUpdate();
        });
  }

  @Override
  public boolean removeRule(String id) {
    return writer.write(
            tx -> {
              PreparedStatement p = tx.prepare("DELETE FROM limit_rules WHERE id = ?");
              p.setString(1, id);
              return p.executeUpdate();
            })
        > 0;
  }
}
