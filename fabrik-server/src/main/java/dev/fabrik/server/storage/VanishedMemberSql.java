package dev.fabrik.server.storage;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.batch.MemberKey;
import dev.fabrik.server.batch.MemberState;
import dev.fabrik.server.batch.VanishedPage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of the periodic pass over batch members whose job vanished ({@code
 * BatchStore.settleVanishedPage}) and of crash recovery's pass over members ({@code
 * BatchStore.settleVanished}), in SQLite's or PostgreSQL's dialect. Three steps:
 *
 * <ol>
 *   <li>{@link #candidates}: a keyset page of pending members joined before the grace, of
 *       committed, unfinished batches (recovery: of every batch not yet complete, open ones too);
 *       it reads only {@code batches} and {@code batch_members}, so a store with nothing pending
 *       never reads a job table;
 *   <li>{@link #whereabouts}: ONE statement (one snapshot) that finds the page's jids in the job
 *       tables; a job that moves between tables in one transaction is seen in one of them. No store
 *       indexes queued jobs or set entries by jid, so those tables are scanned once each, probing
 *       the page's small set (on PostgreSQL, 5,000 jids against 1,000,000 queued jobs: 0.1-1.0 s at
 *       load average 10-17 on 2 cores); fates and workflow rows are keyed by jid and probed per
 *       candidate:
 *       <pre>
 * WITH c AS (SELECT value AS jid FROM json_each(?))           -- the page's jids, a JSON array
 * SELECT jid, 'failed' FROM set_entries WHERE set_id IN (1, 2) AND jid IN (SELECT jid FROM c)
 * UNION ALL SELECT c.jid, 'failed' FROM c WHERE EXISTS (SELECT 1 FROM job_fates f WHERE f.jid = c.jid)
 * UNION ALL SELECT jid, 'pending' FROM jobs WHERE jid IN (SELECT jid FROM c)
 * UNION ALL SELECT jid, 'pending' FROM set_entries WHERE set_id = 0 AND jid IN (...)
 * UNION ALL SELECT c.jid, 'pending' FROM c WHERE EXISTS (SELECT 1 FROM workflow_jobs w
 *   WHERE w.jid = c.jid AND w.state = 'held')
 * </pre>
 *   <li>{@link #settle}: each judged member's compare-and-set from {@code pending}, in the store's
 *       write transaction: a report that arrived meanwhile wins.
 * </ol>
 */
public final class VanishedMemberSql {
  private final String candidates;
  private final String recoveryCandidates;
  private final String whereabouts;
  private final String settle;

  /**
   * @param prefix the tables' schema prefix ({@code "fabrik."}) or {@code ""}
   * @param postgres whether the SQL dialect is PostgreSQL's (else SQLite's)
   */
  public VanishedMemberSql(String prefix, boolean postgres) {
    String members = prefix + "batch_members";
    String pending =
        "SELECT m.bid, m.jid FROM "
            + prefix
            + "batches b JOIN "
            + members
            + " m ON m.bid = b.bid WHERE %s AND m.state = 'pending' AND m.joined_us < ? AND (m.bid"
            + " > ? OR (m.bid = ? AND m.jid > ?)) ORDER BY m.bid, m.jid LIMIT ?";
    this.candidates =
        pending.formatted(
            "b.committed = 1 AND b.open = 0 AND (b.complete_st <> '2' OR b.success_st <> '2')");
    // After a crash every batch not yet complete counts, open ones too: their outcomes were lost.
    this.recoveryCandidates = pending.formatted("b.complete_st = ''");
    String page =
        postgres
            ? "SELECT jsonb_array_elements_text(?::jsonb) COLLATE \"C\" AS jid"
            : "SELECT value AS jid FROM json_each(?)";
    String in = " jid IN (SELECT jid FROM c)";
    String sets = prefix + "set_entries WHERE ";
    String failedSets = postgres ? "set_name IN ('retries', 'dead')" : "set_id IN (1, 2)";
    String scheduled = postgres ? "set_name = 'scheduled'" : "set_id = 0";
    // Tables keyed by jid are probed per candidate; the others are scanned once (hash semi join).
    this.whereabouts =
        "WITH c AS ("
            + page
            + ") SELECT jid, 'failed' FROM "
            + sets
            + failedSets
            + " AND"
            + in
            + " UNION ALL SELECT c.jid, 'failed' FROM c WHERE EXISTS (SELECT 1 FROM "
            + prefix
            + "job_fates f WHERE f.jid = c.jid) UNION ALL SELECT jid, 'pending' FROM "
            + prefix
            + "jobs WHERE"
            + in
            + " UNION ALL SELECT jid, 'pending' FROM "
            + sets
            + scheduled
            + " AND"
            + in
            + " UNION ALL SELECT c.jid, 'pending' FROM c WHERE EXISTS (SELECT 1 FROM "
            + prefix
            + "workflow_jobs w WHERE w.jid = c.jid AND w.state = 'held')";
    this.settle =
        "UPDATE " + members + " SET state = ? WHERE bid = ? AND jid = ? AND state = 'pending'";
  }

  /**
   * How a store runs the steps: reads on a snapshot of their own (SQLite: a reader connection), the
   * compare-and-sets in a short write transaction (SQLite: its writer).
   */
  public interface Runner {
    <T> T read(Step<T> step);

    <T> T write(Step<T> step);
  }

  /** One step on a connection. */
  public interface Step<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * The periodic pass's page ({@code BatchStore.settleVanishedPage}): candidates of committed,
   * unfinished batches, judged on one snapshot, settled by compare-and-set.
   */
  public VanishedPage page(Runner run, MemberKey after, Instant joinedBefore, int limit) {
    List<MemberKey> page = run.read(c -> candidates(c, candidates, after, joinedBefore, limit));
    if (page.isEmpty()) {
      return VanishedPage.END;
    }
    var judged = run.read(c -> whereabouts(c, page));
    return VanishedPage.of(run.write(c -> settle(c, judged)), page, limit);
  }

  /**
   * Crash recovery's pass over the members ({@code BatchStore.settleVanished}): every pending
   * member of a batch not yet complete, joined before {@code joinedBefore}, page after page of
   * {@code limit}; each page costs one scan of each job table, hashing only the page's jids (the
   * anti-join over every job it replaces hashed every queued jid). Returns how many moved.
   */
  public int recover(Runner run, Instant joinedBefore, int limit) {
    int moved = 0;
    MemberKey after = null;
    while (true) {
      MemberKey from = after;
      List<MemberKey> page =
          run.read(c -> candidates(c, recoveryCandidates, from, joinedBefore, limit));
      if (page.isEmpty()) {
        return moved;
      }
      var judged = run.read(c -> whereabouts(c, page));
      moved += run.write(c -> settle(c, judged)).size();
      if (page.size() < limit) {
        return moved;
      }
      after = page.getLast();
    }
  }

  /** Pending members of the batches {@code query} picks, joined before {@code joinedBefore}. */
  private static List<MemberKey> candidates(
      Connection c, String query, MemberKey after, Instant joinedBefore, int limit)
      throws SQLException {
    String bid = after == null ? "" : after.bid();
    String jid = after == null ? "" : after.jid();
    List<MemberKey> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(query)) {
      BatchSql.bind(
          p, new Object[] {BatchSql.micros(joinedBefore), bid, bid, jid, Integer.valueOf(limit)});
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new MemberKey(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  /**
   * What the job tables say of each member, read in one statement: {@link MemberState#FAILED} (its
   * job is retrying or dead, or was discarded), {@link MemberState#PENDING} (still queued,
   * reserved, scheduled or held) or {@link MemberState#SUCCEEDED} (nowhere).
   */
  private Map<MemberKey, MemberState> whereabouts(Connection c, List<MemberKey> page)
      throws SQLException {
    Map<String, MemberState> found = new java.util.HashMap<>();
    try (PreparedStatement p = c.prepareStatement(whereabouts)) {
      p.setString(
          1, JobCodec.MAPPER.writeValueAsString(page.stream().map(MemberKey::jid).toList()));
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          // A failed run outranks a copy still waiting (a jid pushed twice).
          found.merge(
              rs.getString(1), MemberState.fromColumn(rs.getString(2)), VanishedMemberSql::worse);
        }
      }
    }
    Map<MemberKey, MemberState> out = new LinkedHashMap<>();
    for (MemberKey m : page) {
      out.put(m, found.getOrDefault(m.jid(), MemberState.SUCCEEDED));
    }
    return out;
  }

  private static MemberState worse(MemberState a, MemberState b) {
    return a == MemberState.FAILED || b == MemberState.FAILED ? MemberState.FAILED : a;
  }

  /** Moves each judged member still pending; returns those that moved. */
  private List<MemberKey> settle(Connection c, Map<MemberKey, MemberState> judged)
      throws SQLException {
    List<MemberKey> moved = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(settle)) {
      for (Map.Entry<MemberKey, MemberState> e : judged.entrySet()) {
        if (e.getValue() == MemberState.PENDING) {
          continue;
        }
        p.setString(1, e.getValue().column());
        p.setString(2, e.getKey().bid());
        p.setString(3, e.getKey().jid());
        if (p.executeUpdate() == 1) {
          moved.add(e.getKey());
        }
      }
    }
    return moved;
  }
}
