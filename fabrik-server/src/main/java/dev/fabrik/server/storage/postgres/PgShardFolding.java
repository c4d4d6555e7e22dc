package dev.fabrik.server.storage.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Folds the shard rows written by backends that have ended into shard 0, so the sharded tables
 * ({@code counters}, {@code queue_counts}, {@code set_counts}, {@code failure_groups}, {@code
 * failure_group_types}) stay a few rows per live connection however often the pools recycle
 * connections, and drops the shard-0 rows that folded to zero: a queue removed long ago or a
 * failure group whose entries are all gone leaves no row behind. Without that, every (queue,
 * backend) and every (fingerprint, backend) pair ever written kept a row whose deltas cancel out
 * (+1 where a FAIL added an entry, -1 on the backend that moved it on), and the tables grew with
 * the pools' age. A live backend's rows are never touched (it may be adding to them), so totals
 * stay exact. {@link PgShardFoldingService} runs it on every node; a fold first takes a
 * transaction-level advisory lock without waiting, so while one node folds the others skip their
 * turn instead of queueing behind it (or deadlocking with it: two folds deleting the same rows in
 * different orders had PostgreSQL abort one).
 *
 * <pre>
 * SELECT pg_try_advisory_xact_lock(hashtext('fabrik shard folding'), 0)  -- false: skip
 * WITH gone AS (DELETE FROM fabrik.counters WHERE shard &lt;&gt; 0
 *                 AND shard NOT IN (SELECT pid FROM pg_stat_activity) RETURNING name, value)
 * INSERT INTO fabrik.counters (name, shard, value) SELECT name, 0, sum(value) FROM gone ...
 * DELETE FROM fabrik.queue_counts WHERE shard = 0 AND ready = 0 AND reserved = 0
 * </pre>
 */
final class PgShardFolding {

  private final PgDatabase db;
  private final List<String> statements;

  PgShardFolding(PgDatabase db) {
    this.db = db;
    String ended = "shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity)";
    String foldCounters =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.counters WHERE "
                + ended
                + " RETURNING name, value) INSERT INTO {s}.counters AS c (name, shard, value)"
                + " SELECT name, 0, sum(value) FROM gone GROUP BY name ORDER BY name"
                + " ON CONFLICT (name, shard) DO UPDATE SET value = c.value + excluded.value");
    String foldQueueCounts =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.queue_counts WHERE "
                + ended
                + " RETURNING queue, ready, reserved)"
                + " INSERT INTO {s}.queue_counts AS c (queue, shard, ready, reserved)"
                + " SELECT queue, 0, sum(ready), sum(reserved) FROM gone GROUP BY queue"
                + " ORDER BY queue ON CONFLICT (queue, shard) DO UPDATE"
                + " SET ready = c.ready + excluded.ready, reserved = c.reserved + excluded.reserved");
    String foldSetCounts =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.set_counts WHERE "
                + ended
                + " RETURNING set_name, n) INSERT INTO {s}.set_counts AS c (set_name, shard, n)"
                + " SELECT set_name, 0, sum(n) FROM gone GROUP BY set_name ORDER BY set_name"
                + " ON CONFLICT (set_name, shard) DO UPDATE SET n = c.n + excluded.n");
    // A group's first/last seen are the extremes over its rows, its errtype, message and sample
    // those of the row seen last (as PgFailureGroups reads them); rows only removals wrote carry
    // NULLs, which least/greatest skip and which never replace a sample.
    String newer =
        "excluded.last_seen_us IS NOT NULL AND (g.last_seen_us IS NULL"
            + " OR excluded.last_seen_us >= g.last_seen_us)";
    StringBuilder latest = new StringBuilder();
    StringBuilder replaced = new StringBuilder();
    for (String column :
        List.of("errtype", "message", "sample_score_us", "sample_jid", "sample_seq")) {
      latest.append(", (array_agg(").append(column);
      latest.append(" ORDER BY last_seen_us DESC NULLS LAST))[1]");
      replaced.append(", ").append(column).append(" = CASE WHEN ").append(newer);
      replaced.append(" THEN excluded.").append(column).append(" ELSE g.").append(column);
      replaced.append(" END");
    }
    String foldFailureGroups =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.failure_groups WHERE "
                + ended
                + " RETURNING *) INSERT INTO {s}.failure_groups AS g (set_name, fingerprint, shard,"
                + " n, first_seen_us, last_seen_us, errtype, message, sample_score_us, sample_jid,"
                + " sample_seq) SELECT set_name, fingerprint, 0, sum(n), min(first_seen_us),"
                + " max(last_seen_us)"
                + latest
                + " FROM gone GROUP BY set_name, fingerprint ORDER BY set_name, fingerprint"
                + " ON CONFLICT (set_name, fingerprint, shard) DO UPDATE SET n = g.n + excluded.n,"
                + " first_seen_us = least(g.first_seen_us, excluded.first_seen_us),"
                + " last_seen_us = greatest(g.last_seen_us, excluded.last_seen_us)"
                + replaced);
    String foldFailureGroupTypes =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.failure_group_types WHERE "
                + ended
                + " RETURNING set_name, fingerprint, jobtype, n)"
                + " INSERT INTO {s}.failure_group_types AS t (set_name, fingerprint, jobtype, shard, n)"
                + " SELECT set_name, fingerprint, jobtype, 0, sum(n) FROM gone"
                + " GROUP BY set_name, fingerprint, jobtype ORDER BY set_name, fingerprint, jobtype"
                + " ON CONFLICT (set_name, fingerprint, jobtype, shard) DO UPDATE SET n = t.n + excluded.n");
    statements =
        List.of(
            foldCounters,
            foldQueueCounts,
            foldSetCounts,
            foldFailureGroups,
            foldFailureGroupTypes,
            db.sql("DELETE FROM {s}.queue_counts WHERE shard = 0 AND ready = 0 AND reserved = 0"),
            db.sql("DELETE FROM {s}.set_counts WHERE shard = 0 AND n = 0"),
            db.sql("DELETE FROM {s}.failure_groups WHERE shard = 0 AND n = 0"),
            db.sql("DELETE FROM {s}.failure_group_types WHERE shard = 0 AND n = 0"));
  }

  /** Folds in one transaction; false when another fold (of any node) held the lock. */
  boolean fold() {
    String lock = db.schema() + " shard folding";
    return PgWork.transaction(
        db,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(?), 0)")) {
            p.setString(1, lock);
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              if (!rs.getBoolean(1)) {
                return false;
              }
            }
          }
          for (String sql : statements) {
            run(c, sql);
          }
          return true;
        });
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.executeUpdate();
    }
  }
}
