package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.priority.Priority;
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
 * live in memory only: at-least-once). Only ids, queue ids and priorities are read, streamed from
 * the {@code jobs(qid, priority DESC, id)} index in that order, so payload pages stay on disk.
 */
final class Recovery {

  /** What the store needs besides the filled {@link QueueIndex}. */
  record State(
      Map<String, Long> queueIds,
      long nextJobId,
      long nextSetEntryId,
      long[] setSizes,
      long processed,
      long failures) {}

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

      // Streamed from the small (qid, priority, id) index; consecutive ids of one level go into
      // the ring as one run. (A window-function query returning only the runs held the whole
      // partition in temp memory.)
      List<Long> orphans = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT qid, priority, id FROM jobs INDEXED BY "
                  + PriorityColumn.INDEX
                  + " ORDER BY qid, priority DESC, id")) {
        long runQid = Long.MIN_VALUE;
        int runPriority = 0;
        long from = 0;
        long to = -1;
        while (rs.next()) {
          long qid = rs.getLong(1);
          int priority = rs.getInt(2);
          long id = rs.getLong(3);
          if (qid == runQid && priority == runPriority && id == to + 1) {
            to = id;
            continue;
          }
          appendRun(index, names.get(runQid), runPriority, from, to, orphans);
          runQid = qid;
          runPriority = priority;
          from = id;
          to = id;
        }
        appendRun(index, names.get(runQid), runPriority, from, to, orphans);
      }
      deleteOrphans(c, orphans);

      long nextJobId;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM jobs")) {
        rs.next();
        nextJobId = rs.getLong(1);
      }
      long nextSetEntryId;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) + 1 FROM set_entries")) {
        rs.next();
        nextSetEntryId = rs.getLong(1);
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
          nextSetEntryId,
          setSizes,
          counters.getOrDefault("processed", 0L),
          counters.getOrDefault("failures", 0L));
    }
  }

  /** Appends ids {@code from..to} to {@code queue}, or marks them orphans when it is gone. */
  private static void appendRun(
      QueueIndex index, String queue, int priority, long from, long to, List<Long> orphans) {
    if (to < from) {
      return;
    }
    if (queue != null) {
      index.appendIds(queue, Priority.clamp(priority), from, to);
    } else {
      for (long id = from; id <= to; id++) {
        orphans.add(id);
      }
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
