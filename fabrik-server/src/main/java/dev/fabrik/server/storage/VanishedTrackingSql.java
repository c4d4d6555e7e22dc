package dev.fabrik.server.storage;

/**
 * The statement that settles the tracking records of jobs that vanished without an outcome (an
 * operator deleted them, or FETCH dropped them expired), in SQLite's or PostgreSQL's dialect. An
 * open record (no expiry) not changed since a moment ago whose jid is queued, reserved, in a set or
 * held by a workflow nowhere becomes {@code unknown} with an expiry, so the usual purge takes it.
 *
 * <p>Parameters: the time of the change, the new expiry, the quiet bound twice (the outer WHERE
 * repeats the inner one so that PostgreSQL, which re-checks the outer conditions on a row another
 * node's ACK changed meanwhile, never turns a fresh {@code success} back into {@code unknown}), and
 * the most rows to settle. SQLite reads each jobs table once per statement ({@code NOT IN} makes a
 * temporary index); PostgreSQL anti-joins ({@code NOT EXISTS} may spill to disk, {@code NOT IN} may
 * not):
 *
 * <pre>
 * UPDATE job_tracking SET state = 'unknown', updated = ?, expires = ?
 *  WHERE expires IS NULL AND updated &lt; ? AND jid IN (SELECT jid FROM job_tracking
 *    WHERE expires IS NULL AND updated &lt; ? AND jid NOT IN (SELECT jid FROM jobs) AND ... LIMIT ?)
 * </pre>
 */
public final class VanishedTrackingSql {
  private VanishedTrackingSql() {}

  /**
   * @param prefix the tables' schema prefix ({@code "fabrik."}) or {@code ""}
   * @param updated the column of the last change's time
   * @param expires the column of the record's expiry
   * @param postgres whether the SQL dialect is PostgreSQL's (else SQLite's)
   */
  public static String settle(String prefix, String updated, String expires, boolean postgres) {
    return "UPDATE "
        + prefix
        + "job_tracking SET state = 'unknown', "
        + updated
        + " = ?, "
        + expires
        + " = ? WHERE "
        + open("", updated, expires)
        + " AND jid IN ("
        + candidates(prefix, updated, expires, postgres)
        + ")";
  }

  /**
   * The jids of the records to settle (parameters: the quiet bound, the most rows): the inner
   * SELECT of {@link #settle}. SQLite runs it on a reader, so the writer, which every PUSH and ACK
   * waits for, never spends the scan of the job tables (0.4-0.9 s at 500,000 queued jobs).
   */
  public static String candidates(String prefix, String updated, String expires, boolean postgres) {
    return "SELECT t.jid FROM "
        + prefix
        + "job_tracking t WHERE "
        + open("t.", updated, expires)
        + absent(prefix + "jobs", "", postgres)
        + absent(prefix + "set_entries", "", postgres)
        + absent(prefix + "workflow_jobs", " AND x.state = 'held'", postgres)
        + " LIMIT ?";
  }

  /**
   * The cheap look first (parameter: the quiet bound): is any record open and quiet at all? It
   * reads {@code job_tracking} alone and stops at the first such row, so a store whose tracked jobs
   * all finished never reads a job table (the {@link #settle} pass scans each of them).
   *
   * <pre>
   * SELECT 1 FROM job_tracking WHERE expires IS NULL AND updated &lt; ? LIMIT 1
   * </pre>
   */
  public static String probe(String prefix, String updated, String expires) {
    return "SELECT 1 FROM "
        + prefix
        + "job_tracking WHERE "
        + open("", updated, expires)
        + " LIMIT 1";
  }

  private static String open(String alias, String updated, String expires) {
    return alias + expires + " IS NULL AND " + alias + updated + " < ?";
  }

  private static String absent(String table, String condition, boolean postgres) {
    if (postgres) {
      return " AND NOT EXISTS (SELECT 1 FROM " + table + " x WHERE x.jid = t.jid" + condition + ")";
    }
    String where = condition.isEmpty() ? "" : " WHERE" + condition.substring(4);
    return " AND t.jid NOT IN (SELECT x.jid FROM " + table + " x" + where + ")";
  }
}
