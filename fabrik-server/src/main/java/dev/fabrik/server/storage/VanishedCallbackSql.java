package dev.fabrik.server.storage;

import dev.fabrik.server.batch.Callback;
import dev.fabrik.server.batch.CallbackKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds callbacks in state {@code "1"} whose job is nowhere ({@code BatchStore.vanishedCallbacks})
 * in ONE statement, so the batch rows and every job table are read on one snapshot: a callback job
 * moving between tables in one transaction (reserved, retried, killed, retried from the dead set)
 * is seen in one of them. The callbacks' jids are hashed and each job table is scanned once (no
 * store indexes queued jobs by jid); with no state {@code "1"} the scans find nothing to probe:
 *
 * <pre>
 * WITH c AS (SELECT bid, 'complete' AS cb, json_extract(complete_job, '$.jid') AS jid
 *              FROM batches WHERE complete_st = '1'
 *            UNION ALL SELECT bid, 'success', json_extract(success_job, '$.jid')
 *              FROM batches WHERE success_st = '1'),
 *   here AS (SELECT jid FROM jobs WHERE jid IN (SELECT jid FROM c)
 *            UNION ALL SELECT jid FROM set_entries WHERE jid IN (SELECT jid FROM c)
 *            UNION ALL SELECT jid FROM workflow_jobs WHERE state = 'held' AND jid IN (...))
 * SELECT bid, cb FROM c WHERE jid NOT IN (SELECT jid FROM here) ORDER BY bid, cb
 * </pre>
 *
 * The {@code NOT IN} hashes {@code here}, at most one row per callback, never the jobs.
 */
public final class VanishedCallbackSql {
  private final String query;

  /**
   * @param prefix the tables' schema prefix ({@code "fabrik."}) or {@code ""}
   * @param postgres whether the SQL dialect is PostgreSQL's (else SQLite's)
   */
  public VanishedCallbackSql(String prefix, boolean postgres) {
    String batches = prefix + "batches";
    String in = " jid IN (SELECT jid FROM c)";
    this.query =
        "WITH c AS (SELECT bid, 'complete' AS cb, "
            + jid("complete_job", postgres)
            + " AS jid FROM "
            + batches
            + " WHERE complete_st = '1' UNION ALL SELECT bid, 'success', "
            + jid("success_job", postgres)
            + " FROM "
            + batches
            + " WHERE success_st = '1'), here AS (SELECT jid FROM "
            + prefix
            + "jobs WHERE"
            + in
            + " UNION ALL SELECT jid FROM "
            + prefix
            + "set_entries WHERE"
            + in
            + " UNION ALL SELECT jid FROM "
            + prefix
            + "workflow_jobs WHERE state = 'held' AND"
            + in
            + ") SELECT bid, cb FROM c WHERE jid NOT IN (SELECT jid FROM here) ORDER BY bid, cb";
  }

  /** The jid of a callback job column's JSON (PostgreSQL: in the jid columns' collation). */
  private static String jid(String column, boolean postgres) {
    return postgres
        ? "((" + column + "::jsonb ->> 'jid') COLLATE \"C\")"
        : "json_extract(" + column + ", '$.jid')";
  }

  /** Callbacks in state {@code "1"} whose job is nowhere, in bid order. */
  public List<CallbackKey> vanished(Connection c) throws SQLException {
    List<CallbackKey> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(query);
        ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        out.add(new CallbackKey(rs.getString(1), Callback.fromWire(rs.getString(2))));
      }
    }
    return out;
  }
}
