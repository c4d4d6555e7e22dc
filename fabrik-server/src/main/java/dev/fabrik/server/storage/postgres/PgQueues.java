package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.QueuedJob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The queues' reads and admin: sizes from the trigger-kept {@code queue_counts} (see V1__core.sql
 * for why not {@code count(*)}), the head of a queue from the {@code jobs_ready} index, and the
 * registry of known and paused queues.
 */
final class PgQueues {
  private final PgDatabase db;
  private final String size;
  private final String sizes;
  private final String browse;
  private final String setPaused;
  private final String deleteJobs;
  private final String deleteQueues;
  private final String paused;

  PgQueues(PgDatabase db) {
    this.db = db;
    size = db.sql("SELECT coalesce(sum(ready), 0) FROM {s}.queue_counts WHERE queue = ?");
    sizes =
        db.sql(
            "SELECT q.name, coalesce((SELECT sum(ready) FROM {s}.queue_counts c"
                + " WHERE c.queue = q.name), 0) FROM {s}.queues q ORDER BY q.name");
    browse =
        db.sql(
            "SELECT jid, payload, priority FROM {s}.jobs WHERE queue = ?"
                + " AND reserved_until_us IS NULL ORDER BY priority DESC, id OFFSET ? LIMIT ?");
    setPaused = db.sql("UPDATE {s}.queues SET paused = ? WHERE name = ANY(?::text[])");
    // Reserved jobs stay reserved, as on the other stores: their workers may still ACK or FAIL.
    deleteJobs =
        db.sql(
            "WITH gone AS (DELETE FROM {s}.jobs WHERE queue = ANY(?::text[])"
                + " AND reserved_until_us IS NULL RETURNING queue), "
                + PgQueueCounts.cte("gone", -1, 0)
                + " SELECT count(*) FROM gone");
    deleteQueues = db.sql("DELETE FROM {s}.queues WHERE name = ANY(?::text[])");
    paused = db.sql("SELECT name FROM {s}.queues WHERE paused");
  }

  long size(String queue) {
    return PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(size)) {
            p.setString(1, queue);
            try (ResultSet rs = p.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  Map<String, Long> sizes() {
    return PgWork.autocommit(
        db,
        c -> {
          Map<String, Long> out = new TreeMap<>();
          try (PreparedStatement p = c.prepareStatement(sizes);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getLong(2));
            }
          }
          return out;
        });
  }

  Optional<byte[]> peek(String queue) {
    List<QueuedJob> head = browse(queue, 0, 1);
    return head.isEmpty() ? Optional.empty() : Optional.of(head.getFirst().payload());
  }

  List<QueuedJob> browse(String queue, long offset, int limit) {
    return PgWork.autocommit(
        db,
        c -> {
          List<QueuedJob> out = new ArrayList<>();
          try (PreparedStatement p = c.prepareStatement(browse)) {
            p.setString(1, queue);
            p.setLong(2, offset);
            p.setInt(3, limit);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(new QueuedJob(rs.getString(1), queue, rs.getBytes(2), rs.getShort(3)));
              }
            }
          }
          return out;
        });
  }

  /** Sets or clears the paused flag of known queues (unknown names match no row). */
  void setPaused(Collection<String> queues, boolean on) {
    if (queues.isEmpty()) {
      return;
    }
    PgWork.autocommit(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(setPaused)) {
            p.setBoolean(1, on);
            p.setArray(2, c.createArrayOf("text", queues.toArray(String[]::new)));
            return p.executeUpdate();
          }
        });
  }

  /** Deletes the queues' queued jobs and unregisters them (paused flags go with their rows). */
  void remove(Collection<String> queues) {
    if (queues.isEmpty()) {
      return;
    }
    String[] names = queues.stream().sorted().toArray(String[]::new);
    PgWork.transaction(
        db,
        c -> {
          try (PreparedStatement p = c.prepareStatement(deleteJobs)) {
            p.setArray(1, c.createArrayOf("text", names));
            p.executeQuery().close();
          }
          try (PreparedStatement p = c.prepareStatement(deleteQueues)) {
            p.setArray(1, c.createArrayOf("text", names));
            p.executeUpdate();
          }
          return null;
        });
  }

  Set<String> paused() {
    return PgWork.autocommit(
        db,
        c -> {
          Set<String> out = new HashSet<>();
          try (PreparedStatement p = c.prepareStatement(paused);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return Set.copyOf(out);
        });
  }
}
