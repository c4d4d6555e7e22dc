package dev.fabrik.server.storage.sqlite;

import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The operator's queue actions on the SQLite store: pause, resume and remove whole queues. Each is
 * one writer op; the in-memory {@link QueueIndex} follows only once the op committed.
 */
final class SqliteQueueAdmin {
  private final GroupCommitWriter writer;
  private final QueueIndex index;
  // Queue ids including uncommitted ops (the writer thread's), and the committed ones.
  private final Map<String, Long> queueIds;
  private final Map<String, Long> committedQueueIds;

  SqliteQueueAdmin(
      GroupCommitWriter writer,
      QueueIndex index,
      Map<String, Long> queueIds,
      Map<String, Long> committedQueueIds) {
    this.writer = writer;
    this.index = index;
    this.queueIds = queueIds;
    this.committedQueueIds = committedQueueIds;
  }

  void setPaused(Collection<String> queues, boolean on) {
    List<String> names = List.copyOf(queues);
    writer.write(
        tx -> {
          PreparedStatement ps = tx.prepare("UPDATE queues SET paused = ? WHERE name = ?");
          for (String name : names) {
            ps.setInt(1, on ? 1 : 0);
            ps.setString(2, name);
            ps.executeUpdate();
          }
          tx.onCommit(() -> index.setPaused(names, on));
          return null;
        });
  }

  void remove(Collection<String> queues) {
    List<String> names = List.copyOf(queues);
    long rows = 1;
    for (String name : names) {
      rows += index.size(name);
    }
    writer.write(
        tx -> {
          for (String name : names) {
            Long qid = queueIds.remove(name);
            if (qid == null) {
              continue;
            }
            // Reserved jobs of the queue go too; their ACK then finds nothing to delete.
            PreparedStatement jobs = tx.prepare("DELETE FROM jobs WHERE qid = ?");
            jobs.setLong(1, qid);
            jobs.executeUpdate();
            PreparedStatement q = tx.prepare("DELETE FROM queues WHERE id = ?");
            q.setLong(1, qid);
            q.executeUpdate();
            tx.onCommit(
                () -> {
                  committedQueueIds.remove(name);
                  index.remove(name);
                });
          }
          return null;
        },
        (int) Math.min(Integer.MAX_VALUE, rows),
        0);
  }
}
