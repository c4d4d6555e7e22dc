package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.SetName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the in-memory state from the database at startup. Every job still in {@code jobs} goes
 * back into its queue, including the ones that were reserved when the process stopped (reservations
 * live in memory only: at-least-once). Only ids and queue ids are read, streamed from the
 * {@code jobs(qid)} index in (qid, id) order, so payload pages stay on disk.
 */
final class Recovery {

  /** What the store needs besides the filled {@link QueueIndex}. */
  record State(
      Map<String, Long> queueIds, long nextJobId, long[] setSizes, long processed, long failures) {}

  /**
   * Runs of consecutive job ids of each queue, in id order: {@code id - row_number()} is constant
   * along a run.
   */
  private static final String RUNS =
      "SELECT qid, min(id), max(id) FROM (SELECT qid, id,"
          + " id - row_number() OVER (PARTITION BY qid ORDER BY id) AS run"
          + " FROM jobs INDEXED BY jobs_by_queue) GROUP BY qid, run ORDER BY qid, 2";

  private Recovery() {}

  static State load(Connection c, QueueIndex index) throws SQLException {
    Map<String, Long> queueIds = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    List<String> paused = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT id, name, paused FROM queues")) {
        while (rs.next()) {
          queueIds.put(rs.getString(2), rs.getLong(1));
          names.put(rs.getLong(1), rs.getString(2));
          index.register(rs.getString(2));
          if (rs.getInt(3) != 0) {
            paused.add(rs.getString(2));
          }
        }
      }
      index.setPaused(paused, true);

      // Ids come back as runs of consecutive ids per queue (usually a handful of rows for millions
      // of jobs): a row per job through JDBC took 17 s for ten million.
      List<Long> orphans = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(RUNS)) {
        while (rs.next()) {
          String queue = names.get(rs.getLong(1));
          long from = rs.getLong(2);
          long to = rs.getLong(3);
          if (queue != null) {
            index.appendIds(queue, from, to);
          } else {
            for (long id = from; id <= to; id++) {
              orphans.add(id);
            }
          }
        }
      }
      deleteOrphans(c, orphans);

      long nextJobId;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM jobs")) {
        rs.next();
        nextJobId = rs.getLong(1);
      }
      long[] setSizes = new long[SetName.values().length];
      try (ResultSet rs =
          s.executeQuery("SELECT set_id, count(*) FROM set_entries GROUP BY set_id")) {
        while (rs.next()) {
          setSizes[rs.getInt(1)] = rs.getLong(2);
        }
      }
      Map<String, Long> counters = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT name, value FROM counters")) {
        while (rs.next()) {
          counters.put(rs.getString(1), rs.getLong(2));
        }
      }
      return new State(
          queueIds,
          nextJobId,
          setSizes,
          counters.getOrDefault("processed", 0L),
          counters.getOrDefault("failures", 0L));
    }
  }

  /** Jobs of a queue removed while they were reserved; the removal already discarded them. */
  private static void deleteOrphans(Connection c, List<Long> orphans) throws SQLException {
    if (orphans.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
      for (long id : orphans) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
