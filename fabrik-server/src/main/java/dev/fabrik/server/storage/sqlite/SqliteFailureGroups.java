package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.triage.FailureGroup;
import dev.fabrik.server.triage.FailureGroupStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Failure groups in SQLite. {@code set_entries} gets a VIRTUAL column {@code fingerprint} (the
 * payload's {@code failure.fingerprint}, read only when the payload mentions one) with a partial
 * index, and two summary tables that triggers on {@code set_entries} keep, so every statement that
 * adds or removes entries (FAIL, kill, retry, due retries, trim, purge, flush, bulk tasks) updates
 * them in its own transaction:
 *
 * <pre>
 * failure_groups(set_id, fingerprint, n, first_seen, last_seen, errtype, message,
 *                sample_score, sample_jid, sample_id)      PRIMARY KEY (set_id, fingerprint)
 * failure_group_types(set_id, fingerprint, jobtype, n)   PRIMARY KEY (set_id, fingerprint, jobtype)
 * </pre>
 *
 * A row is deleted when its count reaches 0. Times are epoch micros of the writer's clock at the
 * insert; the latest insert also gives errtype, message and the sample. Reading the groups of a set
 * reads these small tables only, whatever the set's size.
 */
final class SqliteFailureGroups implements FailureGroupStore {

  private static final String PAYLOAD_TEXT = "CAST(payload AS TEXT)";

  static final String FINGERPRINT_COLUMN =
      "fingerprint TEXT GENERATED ALWAYS AS (CASE WHEN instr("
          + PAYLOAD_TEXT
          + ", '\"fingerprint\"') > 0 AND json_valid("
          + PAYLOAD_TEXT
          + ") THEN json_extract("
          + PAYLOAD_TEXT
          + ", '$.failure.fingerprint') END) VIRTUAL";

  private static final String NOW = "CAST(unixepoch('subsec') * 1000000 AS INTEGER)";

  private static final String ADD_NEW =
      " INSERT INTO failure_groups(set_id, fingerprint, n, first_seen, last_seen, errtype,"
          + " message, sample_score, sample_jid, sample_id)"
          + " VALUES (NEW.set_id, NEW.fingerprint, 1, "
          + NOW
          + ", "
          + NOW
          + ", json_extract(CAST(NEW.payload AS TEXT), '$.failure.errtype'),"
          + " json_extract(CAST(NEW.payload AS TEXT), '$.failure.message'),"
          + " NEW.score, NEW.jid, NEW.id)"
          + " ON CONFLICT(set_id, fingerprint) DO UPDATE SET n = n + 1,"
          + " last_seen = excluded.last_seen, errtype = excluded.errtype,"
          + " message = excluded.message, sample_score = excluded.sample_score,"
          + " sample_jid = excluded.sample_jid, sample_id = excluded.sample_id;"
          + " INSERT INTO failure_group_types(set_id, fingerprint, jobtype, n)"
          + " VALUES (NEW.set_id, NEW.fingerprint, coalesce(NEW.jobtype, ''), 1)"
          + " ON CONFLICT(set_id, fingerprint, jobtype) DO UPDATE SET n = n + 1;";

  private static final String REMOVE_OLD =
      " UPDATE failure_groups SET n = n - 1"
          + " WHERE set_id = OLD.set_id AND fingerprint = OLD.fingerprint;"
          + " DELETE FROM failure_groups"
          + " WHERE set_id = OLD.set_id AND fingerprint = OLD.fingerprint AND n <= 0;"
          + " UPDATE failure_group_types SET n = n - 1 WHERE set_id = OLD.set_id"
          + " AND fingerprint = OLD.fingerprint AND jobtype = coalesce(OLD.jobtype, '');"
          + " DELETE FROM failure_group_types WHERE set_id = OLD.set_id"
          + " AND fingerprint = OLD.fingerprint AND jobtype = coalesce(OLD.jobtype, '')"
          + " AND n <= 0;";

  private static final String[] DDL = {
    "CREATE INDEX IF NOT EXISTS set_entries_by_fingerprint"
        + " ON set_entries(set_id, fingerprint, score, jid) WHERE fingerprint IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS failure_groups(set_id INTEGER NOT NULL, fingerprint TEXT NOT NULL,"
        + " n INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
        + " errtype TEXT, message TEXT, sample_score INTEGER NOT NULL, sample_jid TEXT NOT NULL,"
        + " sample_id INTEGER NOT NULL, PRIMARY KEY (set_id, fingerprint)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS failure_group_types(set_id INTEGER NOT NULL,"
        + " fingerprint TEXT NOT NULL, jobtype TEXT NOT NULL, n INTEGER NOT NULL,"
        + " PRIMARY KEY (set_id, fingerprint, jobtype)) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS failure_groups_added AFTER INSERT ON set_entries"
        + " WHEN NEW.fingerprint IS NOT NULL BEGIN"
        + ADD_NEW
        + " END",
    "CREATE TRIGGER IF NOT EXISTS failure_groups_removed AFTER DELETE ON set_entries"
        + " WHEN OLD.fingerprint IS NOT NULL BEGIN"
        + REMOVE_OLD
        + " END",
    // Fabrik never updates set entries (a kill is DELETE + INSERT); one written some day still
    // moves its entry between groups.
    "CREATE TRIGGER IF NOT EXISTS failure_groups_old_updated AFTER UPDATE ON set_entries"
        + " WHEN OLD.fingerprint IS NOT NULL BEGIN"
        + REMOVE_OLD
        + " END",
    "CREATE TRIGGER IF NOT EXISTS failure_groups_new_updated AFTER UPDATE ON set_entries"
        + " WHEN NEW.fingerprint IS NOT NULL BEGIN"
        + ADD_NEW
        + " END",
  };

  private static final String GROUP_COLUMNS =
      "fingerprint, n, first_seen, last_seen, errtype, message, sample_score, sample_jid, sample_id";

  private final ReaderPool readers;

  /** Adds the column, index, tables and triggers if missing (on the writer). */
  SqliteFailureGroups(GroupCommitWriter writer, ReaderPool readers) {
    this.readers = readers;
    writer.write(
        tx -> {
          addFingerprintColumn(tx.connection());
          try (Statement s = tx.connection().createStatement()) {
            for (String ddl : DDL) {
              s.execute(ddl);
            }
          }
          return null;
        });
  }

  /**
   * Migration: a database from before triage lacks the column. Adding a VIRTUAL column rewrites
   * nothing; the index then reads each entry once. Entries stored before carry no fingerprint.
   */
  private static void addFingerprintColumn(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT 1 FROM pragma_table_xinfo('set_entries') WHERE name = 'fingerprint'")) {
      if (rs.next()) {
        return;
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE set_entries ADD COLUMN " + FINGERPRINT_COLUMN);
    }
  }

  @Override
  public List<FailureGroup> groups(SetName set, FailureGroup.Order order, int limit) {
    String orderBy =
        order == FailureGroup.Order.COUNT ? "n DESC, fingerprint" : "last_seen DESC, fingerprint";
    return readers.read(
        c -> {
          List<Row> rows = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + GROUP_COLUMNS
                      + " FROM failure_groups WHERE set_id = ? ORDER BY "
                      + orderBy
                      + " LIMIT ?")) {
            ps.setInt(1, set.ordinal());
            ps.setInt(2, Math.max(0, limit));
            rows.addAll(rows(ps));
          }
          Map<String, Map<String, Long>> types = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT fingerprint, jobtype, n FROM failure_group_types WHERE set_id = ?")) {
            ps.setInt(1, set.ordinal());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                types
                    .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                    .put(rs.getString(2), rs.getLong(3));
              }
            }
          }
          return rows.stream()
              .map(r -> r.group(types.getOrDefault(r.fingerprint, Map.of())))
              .toList();
        });
  }

  @Override
  public Optional<FailureGroup> group(SetName set, String fingerprint) {
    return readers.read(
        c -> {
          List<Row> rows;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + GROUP_COLUMNS
                      + " FROM failure_groups WHERE set_id = ? AND fingerprint = ?")) {
            ps.setInt(1, set.ordinal());
            ps.setString(2, fingerprint);
            rows = rows(ps);
          }
          if (rows.isEmpty()) {
            return Optional.empty();
          }
          Map<String, Long> types = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT jobtype, n FROM failure_group_types"
                      + " WHERE set_id = ? AND fingerprint = ?")) {
            ps.setInt(1, set.ordinal());
            ps.setString(2, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                types.put(rs.getString(1), rs.getLong(2));
              }
            }
          }
          return Optional.of(rows.getFirst().group(types));
        });
  }

  @Override
  public long grouped(SetName set) {
    return readers.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT coalesce(sum(n), 0) FROM failure_groups WHERE set_id = ?")) {
            ps.setInt(1, set.ordinal());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  private record Row(
      String fingerprint,
      long n,
      long firstSeen,
      long lastSeen,
      String errtype,
      String message,
      SetEntry.Key sample) {
    FailureGroup group(Map<String, Long> types) {
      return new FailureGroup(
          fingerprint,
          n,
          SetTables.instant(firstSeen),
          SetTables.instant(lastSeen),
          errtype,
          message,
          sample,
          types);
    }
  }

  private static List<Row> rows(PreparedStatement ps) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Row(
                rs.getString(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getString(5),
                rs.getString(6),
                new SetEntry.Key(
                    SetTables.instant(rs.getLong(7)), rs.getString(8), rs.getLong(9))));
      }
    }
    return out;
  }
}
