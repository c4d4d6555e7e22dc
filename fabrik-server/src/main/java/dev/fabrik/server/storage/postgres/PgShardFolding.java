package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Folds the shard rows of {@code counters}, {@code queue_counts} and {@code set_counts} written by
 * backends that have ended into shard 0, so the tables stay a few rows per live connection however
 * often the pools recycle connections. A live backend's rows are never touched (it may be adding to
 * them); a fold racing another node's fold finds the rows gone (the DELETE waits for the other's
 * lock and then skips them), so totals stay exact.
 *
 * <pre>
 * WITH gone AS (DELETE FROM fabrik.counters WHERE shard &lt;&gt; 0
 *                 AND shard NOT IN (SELECT pid FROM pg_stat_activity) RETURNING name, value)
 * INSERT INTO fabrik.counters (name, shard, value) SELECT name, 0, sum(value) FROM gone ...
 * </pre>
 */
final class PgShardFolding {

  /** Folds at most this often from one node (nanoseconds). */
  private static final long INTERVAL_NANOS = 60_000_000_000L;

  private final PgDatabase db;
  private final String foldCounters;
  private final String foldQueueCounts;
  private final String foldSetCounts;
  private final AtomicLong lastFold = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

  PgShardFolding(PgDatabase db) {
    this.db = db;
    String ended = "shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity)";
    foldCounters =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.counters WHERE "
                + ended
                + " RETURNING name, value) INSERT INTO {s}.counters AS c (name, shard, value)"
                + " SELECT name, 0, sum(value) FROM gone GROUP BY name ORDER BY name"
                + " ON CONFLICT (name, shard) DO UPDATE SET value = c.value + excluded.value");
    foldQueueCounts =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.queue_counts WHERE "
                + ended
                + " RETURNING queue, ready, reserved)"
                + " INSERT INTO {s}.queue_counts AS c (queue, shard, ready, reserved)"
                + " SELECT queue, 0, sum(ready), sum(reserved) FROM gone GROUP BY queue"
                + " ORDER BY queue ON CONFLICT (queue, shard) DO UPDATE"
                + " SET ready = c.ready + excluded.ready, reserved = c.reserved + excluded.reserved");
    foldSetCounts =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.set_counts WHERE "
                + ended
                + " RETURNING set_name, n) INSERT INTO {s}.set_counts AS c (set_name, shard, n)"
                + " SELECT set_name, 0, sum(n) FROM gone GROUP BY set_name ORDER BY set_name"
                + " ON CONFLICT (set_name, shard) DO UPDATE SET n = c.n + excluded.n");
  }

  /** Folds when the last fold of this node is more than a minute old; cheap otherwise. */
  void foldNowAndThen() {
    long last = lastFold.get();
    long now = System.nanoTime();
    if (now - last >= INTERVAL_NANOS && lastFold.compareAndSet(last, now)) {
      try {
        fold();
      } catch (StorageException e) {
        // Two nodes folding the same rows at once may deadlock (PostgreSQL aborts one): totals are
        // unchanged either way, and the next fold picks the rows up.
      }
    }
  }

  void fold() {
    PgWork.transaction(
        db,
        c -> {
          run(c, foldCounters);
          run(c, foldQueueCounts);
          run(c, foldSetCounts);
          return null;
        });
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.executeUpdate();
    }
  }
}
