package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.history.Grain;
import dev.fabrik.server.history.HistoryRow;
import dev.fabrik.server.history.JobStatsStore;
import dev.fabrik.server.history.Tally;
import dev.fabrik.server.storage.HistoryReads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * History in {@code {s}.job_history} (V8__history.sql), one row per non-zero field of a bucket. A
 * flush is ONE statement in autocommit, additive, so nodes flushing into the same bucket sum:
 *
 * <pre>
 * INSERT INTO fabrik.job_history AS h (grain, start, jobtype, field, n)
 *   SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::text[], $4::smallint[], $5::bigint[])
 *   ORDER BY 1, 2, 3, 4
 *   ON CONFLICT (grain, start, jobtype, field) DO UPDATE SET n = h.n + excluded.n
 * </pre>
 *
 * The ORDER BY makes every node lock the rows it adds to in the same order, so two flushes into the
 * same buckets queue behind each other instead of deadlocking. The purge deletes with {@code FOR
 * UPDATE SKIP LOCKED}: purgers on several nodes take different rows and never wait on a flush.
 */
final class PgJobStatsStore implements JobStatsStore {
  private final PgDatabase db;
  private final String add;
  private final HistoryReads reads;
  private final String purge;

  PgJobStatsStore(PgDatabase db) {
    this.db = db;
    add =
        db.sql(
            "INSERT INTO {s}.job_history AS h (grain, start, jobtype, field, n)"
                + " SELECT * FROM unnest(?::smallint[], ?::bigint[], ?::text[], ?::smallint[],"
                + " ?::bigint[]) ORDER BY 1, 2, 3, 4"
                + " ON CONFLICT (grain, start, jobtype, field) DO UPDATE SET n = h.n + excluded.n");
    reads = new HistoryReads(db.sql("{s}.job_history"));
    purge =
        db.sql(
            "DELETE FROM {s}.job_history WHERE ctid IN (SELECT ctid FROM {s}.job_history"
                + " WHERE grain = ? AND start < ? LIMIT ? FOR UPDATE SKIP LOCKED)");
  }

  @Override
  public void add(List<HistoryRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    List<Short> grains = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<Short> fields = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (HistoryRow r : rows) {
      for (int f = 0; f < Tally.FIELDS; f++) {
        long n = r.tally().get(f);
        if (n != 0) {
          grains.add((short) r.grain().code());
          starts.add(r.start());
          types.add(r.jobtype());
          fields.add((short) f);
          counts.add(n);
        }
      }
    }
    if (counts.isEmpty()) {
      return;
    }
    PgCalls.autocommit(
        db,
        "adding to the job history",
        c -> {
          try (PreparedStatement p = c.prepareStatement(add)) {
            p.setArray(1, c.createArrayOf("int2", grains.toArray()));
            p.setArray(2, c.createArrayOf("int8", starts.toArray()));
            p.setArray(3, c.createArrayOf("text", types.toArray()));
            p.setArray(4, c.createArrayOf("int2", fields.toArray()));
            p.setArray(5, c.createArrayOf("int8", counts.toArray()));
            return p.executeUpdate();
          }
        });
  }

  @Override
  public SortedMap<Long, Tally> series(Grain grain, long from, long to, String jobtype) {
    return PgCalls.autocommit(
        db, "reading the job history", c -> reads.series(c, grain, from, to, jobtype));
  }

  @Override
  public Map<String, Tally> byType(Grain grain, long from, long to) {
    return PgCalls.autocommit(
        db, "reading the job history by type", c -> reads.byType(c, grain, from, to));
  }

  @Override
  public int purge(Grain grain, long before, int limit) {
    return PgCalls.autocommit(
        db,
        "purging the job history",
        c -> {
          try (PreparedStatement p = prepare(c, purge, grain)) {
            p.setLong(2, before);
            p.setInt(3, limit);
            return p.executeUpdate();
          }
        });
  }

  private static PreparedStatement prepare(Connection c, String sql, Grain grain)
      throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    p.setShort(1, (short) grain.code());
    return p;
  }
}
