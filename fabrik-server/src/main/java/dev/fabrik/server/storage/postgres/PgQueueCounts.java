package dev.fabrik.server.storage.postgres;

/**
 * The CTE with which a statement that moves jobs between queued and reserved, or deletes them, adds
 * its deltas to {@code queue_counts} in the same statement (inserts are counted by the jobs table's
 * trigger; see V1__core.sql for why counts are kept at all):
 *
 * <pre>
 * counted AS (INSERT INTO fabrik.queue_counts AS qc (queue, shard, ready, reserved)
 *   SELECT queue, pg_backend_pid(), -count(*), count(*) FROM moved GROUP BY queue ORDER BY queue
 *   ON CONFLICT (queue, shard) DO UPDATE
 *   SET ready = qc.ready + excluded.ready, reserved = qc.reserved + excluded.reserved)
 * </pre>
 *
 * The shard is this backend's own row, so no other session ever waits for it.
 */
final class PgQueueCounts {
  private PgQueueCounts() {}

  /**
   * {@code counted AS (...)} for the rows of the CTE {@code source} (which returns {@code queue}):
   * each row adds {@code readySign} to its queue's ready count and {@code reservedSign} to its
   * reserved count (-1, 0 or 1).
   */
  static String cte(String source, int readySign, int reservedSign) {
    return "counted AS (INSERT INTO {s}.queue_counts AS qc (queue, shard, ready, reserved)"
        + " SELECT queue, pg_backend_pid(), "
        + delta(readySign)
        + ", "
        + delta(reservedSign)
        + " FROM "
        + source
        + " GROUP BY queue ORDER BY queue ON CONFLICT (queue, shard) DO UPDATE"
        + " SET ready = qc.ready + excluded.ready, reserved = qc.reserved + excluded.reserved)";
  }

  private static String delta(int sign) {
    return switch (sign) {
      case -1 -> "-count(*)";
      case 0 -> "0";
      case 1 -> "count(*)";
      default -> throw new IllegalArgumentException("sign " + sign);
    };
  }
}
