package dev.fabrik.server.storage;

import dev.fabrik.server.history.Grain;
import dev.fabrik.server.history.Tally;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The job history's reads, the same on SQLite and PostgreSQL: both keep one row per non-zero field
 * of a bucket, and a read sums the fields of the buckets in {@code [from, to)}:
 *
 * <pre>
 * job_history(grain, start, jobtype, field, n)   -- PRIMARY KEY (grain, start, jobtype, field)
 * SELECT start, field, sum(n) FROM job_history
 *   WHERE grain = ? AND start &gt;= ? AND start &lt; ? GROUP BY start, field
 * </pre>
 */
public final class HistoryReads {
  private final String series;
  private final String seriesOfType;
  private final String byType;

  /**
   * @param table the table's name as the store's statements spell it ({@code "fabrik.job_history"}
   *     or {@code "job_history"})
   */
  public HistoryReads(String table) {
    series =
        "SELECT start, field, sum(n) FROM "
            + table
            + " WHERE grain = ? AND start >= ? AND start < ? GROUP BY start, field";
    seriesOfType =
        "SELECT start, field, n FROM "
            + table
            + " WHERE grain = ? AND start >= ? AND start < ? AND jobtype = ?";
    byType =
        "SELECT jobtype, field, sum(n) FROM "
            + table
            + " WHERE grain = ? AND start >= ? AND start < ? GROUP BY jobtype, field";
  }

  /** {@link dev.fabrik.server.history.JobStatsStore#series} on {@code c}. */
  public SortedMap<Long, Tally> series(
      Connection c, Grain grain, long from, long to, String jobtype) throws SQLException {
    SortedMap<Long, Tally> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(jobtype == null ? series : seriesOfType)) {
      bind(ps, grain, from, to);
      if (jobtype != null) {
        ps.setString(4, jobtype);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getLong(1), s -> new Tally()).add(rs.getInt(2), rs.getLong(3));
        }
      }
    }
    return out;
  }

  /** {@link dev.fabrik.server.history.JobStatsStore#byType} on {@code c}. */
  public Map<String, Tally> byType(Connection c, Grain grain, long from, long to)
      throws SQLException {
    Map<String, Tally> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(byType)) {
      bind(ps, grain, from, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), t -> new Tally()).add(rs.getInt(2), rs.getLong(3));
        }
      }
    }
    return out;
  }

  /** A smallint on PostgreSQL: the parameter's type matches the column's, so the index serves. */
  private static void bind(PreparedStatement ps, Grain grain, long from, long to)
      throws SQLException {
    ps.setShort(1, (short) grain.code());
    ps.setLong(2, from);
    ps.setLong(3, to);
  }
}
