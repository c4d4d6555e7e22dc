package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.triage.FailureGroup;
import dev.fabrik.server.triage.FailureGroupStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Failure groups summed over the shards the V9 triggers keep: one query over at most (groups ×
 * backends) rows, whatever the set's size. The latest errtype, message and sample are those of the
 * shard row seen last:
 *
 * <pre>
 * SELECT fingerprint, sum(n), min(first_seen_us), max(last_seen_us),
 *        (array_agg(errtype ORDER BY last_seen_us DESC NULLS LAST))[1], ...
 *   FROM fabrik.failure_groups WHERE set_name = 'dead'
 *  GROUP BY fingerprint HAVING sum(n) > 0 ORDER BY 2 DESC, 1 LIMIT 100
 * </pre>
 */
final class PgFailureGroups implements FailureGroupStore {

  private static final String LATEST = " ORDER BY last_seen_us DESC NULLS LAST))[1]";
  private static final String SUMMED =
      "SELECT fingerprint, sum(n) AS n, min(first_seen_us), max(last_seen_us) AS last_seen,"
          + " (array_agg(errtype"
          + LATEST
          + ", (array_agg(message"
          + LATEST
          + ", (array_agg(sample_score_us"
          + LATEST
          + ", (array_agg(sample_jid"
          + LATEST
          + ", (array_agg(sample_seq"
          + LATEST
          + " FROM {s}.failure_groups WHERE set_name = ?";

  private final PgDatabase db;
  private final String byCount;
  private final String byLastSeen;
  private final String one;
  private final String types;
  private final String typesOfOne;
  private final String grouped;

  PgFailureGroups(PgDatabase db) {
    this.db = db;
    String having = " GROUP BY fingerprint HAVING sum(n) > 0";
    byCount = db.sql(SUMMED + having + " ORDER BY n DESC, fingerprint LIMIT ?");
    byLastSeen =
        db.sql(SUMMED + having + " ORDER BY last_seen DESC NULLS LAST, fingerprint LIMIT ?");
    one = db.sql(SUMMED + " AND fingerprint = ?" + having);
    types =
        db.sql(
            "SELECT fingerprint, jobtype, sum(n) FROM {s}.failure_group_types WHERE set_name = ?"
                + " GROUP BY fingerprint, jobtype HAVING sum(n) > 0");
    typesOfOne =
        db.sql(
            "SELECT fingerprint, jobtype, sum(n) FROM {s}.failure_group_types"
                + " WHERE set_name = ? AND fingerprint = ?"
                + " GROUP BY fingerprint, jobtype HAVING sum(n) > 0");
    grouped = db.sql("SELECT coalesce(sum(n), 0) FROM {s}.failure_groups WHERE set_name = ?");
  }

  @Override
  public List<FailureGroup> groups(SetName set, FailureGroup.Order order, int limit) {
    return read(
        c -> {
          List<FailureGroup> rows;
          try (PreparedStatement ps =
              c.prepareStatement(order == FailureGroup.Order.COUNT ? byCount : byLastSeen)) {
            ps.setString(1, set.wireName());
            ps.setInt(2, Math.max(0, limit));
            rows = groups(ps, types(c, types, set, null));
          }
          return rows;
        });
  }

  @Override
  public Optional<FailureGroup> group(SetName set, String fingerprint) {
    return read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(one)) {
            ps.setString(1, set.wireName());
            ps.setString(2, fingerprint);
            List<FailureGroup> rows = groups(ps, types(c, typesOfOne, set, fingerprint));
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
          }
        });
  }

  @Override
  public long grouped(SetName set) {
    return read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(grouped)) {
            ps.setString(1, set.wireName());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  private static Map<String, Map<String, Long>> types(
      Connection c, String sql, SetName set, String fingerprint) throws SQLException {
    Map<String, Map<String, Long>> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, set.wireName());
      if (fingerprint != null) {
        ps.setString(2, fingerprint);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getString(2), rs.getLong(3));
        }
      }
    }
    return out;
  }

  private static List<FailureGroup> groups(
      PreparedStatement ps, Map<String, Map<String, Long>> types) throws SQLException {
    List<FailureGroup> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String fingerprint = rs.getString(1);
        long first = rs.getLong(3);
        boolean seen = !rs.wasNull();
        long last = rs.getLong(4);
        String jid = rs.getString(8);
        SetEntry.Key sample =
            jid == null
                ? null
                : new SetEntry.Key(PgTime.instant(rs.getLong(7)), jid, rs.getLong(9));
        out.add(
            new FailureGroup(
                fingerprint,
                rs.getLong(2),
                seen ? PgTime.instant(first) : null,
                seen ? PgTime.instant(last) : null,
                rs.getString(5),
                rs.getString(6),
                sample,
                types.getOrDefault(fingerprint, Map.of())));
      }
    }
    return out;
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(Work<T> work) {
    try (Connection c = db.connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StorageException("PostgreSQL failure groups read failed: " + e.getMessage(), e);
    }
  }
}
