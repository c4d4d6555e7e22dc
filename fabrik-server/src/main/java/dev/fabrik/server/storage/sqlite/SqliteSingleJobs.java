package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.jobs.JobPlace;
import dev.fabrik.server.jobs.SingleJobs;
import dev.fabrik.server.priority.Priority;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.reservation.ReservationTable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link SingleJobs} on SQLite. FETCH never writes here: it pops a row id from the {@link
 * QueueIndex}. So an edit first takes the job's id out of the index the same way (under the index's
 * lock: it is either still queued, and now ours, or a FETCH has it), then writes. If the write
 * fails the job goes back to its old place.
 *
 * <p>A queue's order within a priority level is row id order, which is also what a restart rebuilds
 * the index from. Moving a job to the front therefore gives its row the smallest id of the table:
 *
 * <pre>
 * SELECT min(id) FROM jobs                       -- one step down the rowid B-tree
 * UPDATE jobs SET id = :min - 1 WHERE id = :old  -- the job now sorts before every other
 * </pre>
 *
 * (ids may go negative; only their order matters). Finding a job's row by jid is a scan of the
 * queue's rows (no index on {@code jobs.jid}: it would cost every PUSH).
 */
final class SqliteSingleJobs implements SingleJobs {

  /** A queued row found by jid: its row id and level. */
  private record Row(long id, int priority) {}

  /** A job taken out of the index by an edit, with what putting it back needs. */
  private record Taken(String queue, long id, int priority, QueueIndex.Cached cached) {}

  private static final String ROWS_OF_QUEUE =
      "SELECT j.id, j.priority FROM jobs j JOIN queues q ON q.id = j.qid"
          + " WHERE q.name = ? AND j.jid = ? ORDER BY j.priority DESC, j.id";
  private static final String ROWS_OF_JID =
      "SELECT j.id, j.priority, q.name, j.payload FROM jobs j JOIN queues q ON q.id = j.qid"
          + " WHERE j.jid = ? ORDER BY q.name, j.priority DESC, j.id";
  private static final String ENTRIES_OF_JID =
      "SELECT " + SetTables.COLUMNS + " FROM set_entries WHERE set_id = ? AND jid = ?";

  private final QueueIndex index;
  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final ReservationTable<Long> reservations;
  private final Consumer<Map<String, Integer>> notify;
  private final Runnable ensureOpen;

  SqliteSingleJobs(
      QueueIndex index,
      GroupCommitWriter writer,
      ReaderPool readers,
      ReservationTable<Long> reservations,
      Consumer<Map<String, Integer>> notify,
      Runnable ensureOpen) {
    this.index = index;
    this.writer = writer;
    this.readers = readers;
    this.reservations = reservations;
    this.notify = notify;
    this.ensureOpen = ensureOpen;
  }

  @Override
  public boolean deleteQueued(String queue, String jid) {
    Taken taken = take(queue, jid);
    if (taken == null) {
      return false;
    }
    try {
      writer.write(
          tx -> {
            tx.deleteJob(taken.id());
            return null;
          },
          1,
          0);
      return true;
    } catch (RuntimeException e) {
      putBack(taken, taken.id(), false);
      throw e;
    }
  }

  @Override
  public boolean moveToFront(String queue, String jid) {
    Taken taken = take(queue, jid);
    if (taken == null) {
      return false;
    }
    boolean moved;
    try {
      moved =
          writer.write(
              tx -> {
                long min;
                try (ResultSet rs = tx.prepare("SELECT min(id) FROM jobs").executeQuery()) {
                  rs.next();
                  min = rs.getLong(1);
                }
                PreparedStatement up = tx.prepare("UPDATE jobs SET id = ? WHERE id = ?");
                up.setLong(1, min - 1);
                up.setLong(2, taken.id());
                if (up.executeUpdate() == 0) {
                  return false; // its queue was removed meanwhile
                }
                tx.onCommit(() -> putBack(taken, min - 1, true));
                return true;
              },
              1,
              0);
    } catch (RuntimeException e) {
      putBack(taken, taken.id(), false);
      throw e;
    }
    if (moved) {
      notify.accept(Map.of(queue, 1));
    }
    return moved;
  }

  /** Takes the first queued job {@code jid} of {@code queue} out of the index, or null. */
  private Taken take(String queue, String jid) {
    ensureOpen.run();
    List<Row> rows =
        readers.read(
            c -> {
              List<Row> out = new ArrayList<>();
              try (PreparedStatement ps = c.prepareStatement(ROWS_OF_QUEUE)) {
                ps.setString(1, queue);
                ps.setString(2, jid);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(new Row(rs.getLong(1), Priority.clamp(rs.getInt(2))));
                  }
                }
              }
              return out;
            });
    for (Row row : rows) {
      QueueIndex.Popped p = index.takeId(queue, row.priority(), row.id());
      if (p != null) {
        return new Taken(queue, p.id(), row.priority(), p.cached());
      }
    }
    return null;
  }

  private void putBack(Taken t, long id, boolean front) {
    index.putBack(t.queue(), t.priority(), id, t.cached(), front);
  }

  @Override
  public List<JobPlace> find(String jid, int limit) {
    ensureOpen.run();
    List<JobPlace> out = new ArrayList<>();
    readers.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(ROWS_OF_JID)) {
            ps.setString(1, jid);
            try (ResultSet rs = ps.executeQuery()) {
              while (out.size() < limit && rs.next()) {
                int priority = Priority.clamp(rs.getInt(2));
                String queue = rs.getString(3);
                // A row not in the index is reserved (listed below) or being edited right now.
                if (index.holds(queue, priority, rs.getLong(1))) {
                  out.add(new JobPlace.Queued(new QueuedJob(jid, queue, rs.getBytes(4), priority)));
                }
              }
            }
          }
          for (SetName set : SetName.values()) {
            try (PreparedStatement ps = c.prepareStatement(ENTRIES_OF_JID)) {
              ps.setInt(1, set.ordinal());
              ps.setString(2, jid);
              for (SetEntry e : SetTables.rows(ps, set, limit)) {
                out.add(new JobPlace.InSet(e));
              }
            }
          }
          return null;
        });
    for (Reservation r : reservations.ofJid(jid)) {
      out.add(new JobPlace.Working(r));
    }
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }
}
