package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statements that take entries out of a set, each on the caller's connection inside the
 * caller's transaction. Every one deletes first and acts only on the rows its own DELETE returned:
 * when two nodes go for one entry, the second one's DELETE waits for the first to commit and then
 * finds nothing, so an entry is never moved, requeued or killed twice.
 */
final class PgSetMoves {

  /**
   * (score, jid, seq) with jid compared byte by byte in UTF-8, as the {@code COLLATE "C"} index
   * orders it.
   */
  static final Comparator<SetEntry> ORDER =
      Comparator.comparing(SetEntry::score)
          .thenComparing(
              (SetEntry a, SetEntry b) ->
                  Arrays.compareUnsigned(
                      a.jid().getBytes(StandardCharsets.UTF_8),
                      b.jid().getBytes(StandardCharsets.UTF_8)))
          .thenComparingLong(SetEntry::seq);

  /**
   * A set's size: the sum of its shard rows in {@code set_counts}, which the triggers on {@code
   * set_entries} keep in every writing transaction. Flat however large the set; {@code count(*)}
   * was linear (about 0.5 s at a million entries).
   */
  static final String SIZE =
      "SELECT coalesce(sum(n), 0)::bigint FROM {s}.set_counts WHERE set_name = ?";

  private final PgInserts inserts;
  private final String takeDue;
  private final String purgeDue;
  private final String trim;
  private final String delete;
  private final String deleteReturning;
  private final String killInto;
  private final String resolveKeys;

  PgSetMoves(PgDatabase db, PgInserts inserts) {
    this.inserts = inserts;
    // SKIP LOCKED: a node passes over the entries another node is moving right now and takes the
    // next ones, so several nodes share one backlog instead of queueing behind each other.
    takeDue =
        db.sql(
            "WITH due AS (SELECT seq FROM {s}.set_entries WHERE set_name = ? AND score_us <= ?"
                + " ORDER BY score_us, jid, seq LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " DELETE FROM {s}.set_entries e USING due WHERE e.seq = due.seq"
                + " RETURNING e."
                + PgSetScans.COLUMNS.replace(", ", ", e."));
    purgeDue =
        db.sql(
            "DELETE FROM {s}.set_entries WHERE seq IN (SELECT seq FROM {s}.set_entries"
                + " WHERE set_name = ? AND score_us <= ? ORDER BY score_us, jid, seq LIMIT ?"
                + " FOR UPDATE SKIP LOCKED)");
    // One snapshot sizes the set (the trigger-kept set_counts, not a count) and picks the lowest
    // entries; the caller holds a transaction-level advisory lock so that two nodes trimming at
    // once do not both delete the same excess.
    trim =
        db.sql(
            "DELETE FROM {s}.set_entries WHERE seq IN (SELECT seq FROM {s}.set_entries"
                + " WHERE set_name = ? ORDER BY score_us, jid, seq LIMIT greatest(0,"
                + " ("
                + SIZE
                + ") - ?))");
    delete = db.sql("DELETE FROM {s}.set_entries WHERE set_name = ? AND seq = ANY(?)");
    deleteReturning =
        db.sql(
            "DELETE FROM {s}.set_entries WHERE set_name = ? AND seq = ANY(?) RETURNING "
                + PgSetScans.COLUMNS);
    // A kill moves rows within the database, job type column included (no payload is parsed);
    // the new rows get their seqs in the order the caller listed the old ones.
    killInto =
        db.sql(
            "WITH o AS (SELECT * FROM unnest(?::bigint[]) WITH ORDINALITY AS o(seq, n)),"
                + " gone AS (DELETE FROM {s}.set_entries e USING o WHERE e.set_name = ?"
                + " AND e.seq = o.seq RETURNING e.jid, e.queue, e.jobtype, e.payload, o.n)"
                + " INSERT INTO {s}.set_entries(set_name, score_us, jid, queue, jobtype, payload)"
                + " SELECT 'dead', ?, jid, queue, jobtype, payload FROM gone ORDER BY n");
    // Each key to one entry: exactly its seq, or the oldest twin when the key has none (-1); each
    // entry once, in the order its first key was listed.
    resolveKeys =
        db.sql(
            "SELECT x.seq FROM unnest(?::bigint[], ?::text[], ?::bigint[]) WITH ORDINALITY"
                + " AS k(score_us, jid, seq, n) CROSS JOIN LATERAL (SELECT e.seq FROM"
                + " {s}.set_entries e WHERE e.set_name = ? AND e.score_us = k.score_us"
                + " AND e.jid = k.jid AND (k.seq = -1 OR e.seq = k.seq) ORDER BY e.seq LIMIT 1) x"
                + " GROUP BY x.seq ORDER BY min(k.n)");
  }

  /**
   * Deletes up to {@code limit} entries due at {@code now}, lowest first, skipping those another
   * transaction holds, and returns them in set order.
   */
  List<SetEntry> takeDue(Connection c, SetName set, long nowMicros, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(takeDue)) {
      ps.setString(1, set.wireName());
      ps.setLong(2, nowMicros);
      ps.setInt(3, limit);
      List<SetEntry> rows = PgSetScans.rows(ps, set);
      rows.sort(ORDER);
      return rows;
    }
  }

  int purgeDue(Connection c, SetName set, long nowMicros, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(purgeDue)) {
      ps.setString(1, set.wireName());
      ps.setLong(2, nowMicros);
      ps.setInt(3, limit);
      return ps.executeUpdate();
    }
  }

  int trim(Connection c, SetName set, long maxSize) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(trim)) {
      ps.setString(1, set.wireName());
      ps.setString(2, set.wireName());
      ps.setLong(3, maxSize);
      return ps.executeUpdate();
    }
  }

  /**
   * The seqs of the entries {@code keys} name that exist now, without duplicates, in key order.
   * Every key is looked up before any entry changes: a key without seq listed twice names the same
   * oldest twin both times, so acts on one entry.
   */
  Long[] resolve(Connection c, SetName set, Collection<SetEntry.Key> keys) throws SQLException {
    int n = keys.size();
    Long[] scores = new Long[n];
    String[] jids = new String[n];
    Long[] seqs = new Long[n];
    int i = 0;
    for (SetEntry.Key k : keys) {
      scores[i] = PgTime.micros(k.score());
      jids[i] = k.jid();
      seqs[i] = k.seq();
      i++;
    }
    List<Long> found = new ArrayList<>(n);
    try (PreparedStatement ps = c.prepareStatement(resolveKeys)) {
      ps.setArray(1, c.createArrayOf("int8", scores));
      ps.setArray(2, c.createArrayOf("text", jids));
      ps.setArray(3, c.createArrayOf("int8", seqs));
      ps.setString(4, set.wireName());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getLong(1));
        }
      }
    }
    return found.toArray(Long[]::new);
  }

  /**
   * Applies {@code mutation} to the entries of {@code set} with these seqs that are still there, in
   * the order of {@code seqs} (requeued jobs join their queues, killed entries get their new seqs,
   * in that order); adds to {@code requeued} how many jobs each queue received.
   *
   * @return how many entries were changed
   */
  int apply(
      Connection c, SetName set, Long[] seqs, Mutation mutation, Map<String, Integer> requeued)
      throws SQLException {
    if (seqs.length == 0) {
      return 0;
    }
    return switch (mutation) {
      case Mutation.Delete d -> {
        try (PreparedStatement ps = c.prepareStatement(delete)) {
          bindSeqs(c, ps, set, seqs);
          yield ps.executeUpdate();
        }
      }
      case Mutation.Kill kill -> {
        try (PreparedStatement ps = c.prepareStatement(killInto)) {
          ps.setArray(1, c.createArrayOf("int8", seqs));
          ps.setString(2, set.wireName());
          ps.setLong(3, PgTime.micros(kill.expiresAt()));
          yield ps.executeUpdate();
        }
      }
      case Mutation.Requeue r -> {
        List<SetEntry> gone;
        try (PreparedStatement ps = c.prepareStatement(deleteReturning)) {
          bindSeqs(c, ps, set, seqs);
          gone = PgSetScans.rows(ps, set);
        }
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < seqs.length; i++) {
          position.putIfAbsent(seqs[i], i);
        }
        gone.sort(Comparator.comparing(e -> position.get(e.seq())));
        requeue(c, gone, requeued);
        yield gone.size();
      }
    };
  }

  /** Appends the entries' jobs to their queues (each with its payload's priority). */
  void requeue(Connection c, List<SetEntry> entries, Map<String, Integer> perQueue)
      throws SQLException {
    List<QueuedJob> jobs = new ArrayList<>(entries.size());
    for (SetEntry e : entries) {
      jobs.add(QueuedJob.fromPayload(e.jid(), e.queue(), e.payload()));
    }
    inserts.jobs(c, jobs);
    count(jobs, perQueue);
  }

  static void count(List<QueuedJob> jobs, Map<String, Integer> perQueue) {
    for (QueuedJob j : jobs) {
      perQueue.merge(j.queue(), 1, Integer::sum);
    }
  }

  static Map<String, Integer> perQueue() {
    return new TreeMap<>();
  }

  private static void bindSeqs(Connection c, PreparedStatement ps, SetName set, Long[] seqs)
      throws SQLException {
    ps.setString(1, set.wireName());
    ps.setArray(2, c.createArrayOf("int8", seqs));
  }
}
