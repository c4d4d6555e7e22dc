package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * The operator's actions on a sorted set (retry, delete, kill a selection) for {@link SqliteStore}:
 * each entry still there is deleted by its row id and then re-queued, moved to the dead set or
 * dropped, in writes of at most {@value #CHUNK} entries so FETCH and PUSH go on in between.
 */
final class SqliteSetMutations {
  private static final int CHUNK = 1000;

  /** The store's row writes, run on the writer thread inside the mutation's transaction. */
  interface Rows {
    /** Inserts a job at the back of its queue. */
    void insertJob(Tx tx, QueuedJob job) throws SQLException;

    /** Adds an entry to {@code set} (its size follows). */
    void addEntry(Tx tx, SetName set, Instant score, String jid, String queue, byte[] payload)
        throws SQLException;

    /** {@code set} lost {@code removed} entries in this transaction. */
    void removed(Tx tx, SetName set, long removed);
  }

  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final Rows rows;

  SqliteSetMutations(GroupCommitWriter writer, ReaderPool readers, Rows rows) {
    this.writer = writer;
    this.readers = readers;
    this.rows = rows;
  }

  /**
   * Reads a chunk matching {@code query} on a reader, keeps what {@code filter} accepts, moves what
   * still exists in one short write, and repeats: constant memory at millions of entries. Entries
   * added after the start are not visited.
   */
  int mutate(SetName set, SetQuery query, Predicate<SetEntry> filter, Mutation mutation) {
    long maxId = readers.read(SetTables::maxId);
    int changed = 0;
    SetEntry.Key after = null;
    do {
      SetEntry.Key from = after;
      SetPage chunk = readers.read(c -> SetScans.scan(c, set, query, from, CHUNK, maxId));
      List<SetEntry> matches = chunk.entries().stream().filter(filter).toList();
      if (!matches.isEmpty()) {
        changed += writer.write(tx -> apply(tx, set, matches, mutation), matches.size(), 0);
      }
      after = chunk.next();
    } while (after != null);
    return changed;
  }

  /** The entries named by {@code keys} that still exist, in chunks. */
  int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    List<SetEntry.Key> all = List.copyOf(keys);
    int changed = 0;
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<SetEntry.Key> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      changed +=
          writer.write(
              tx -> {
                List<SetEntry> found = new ArrayList<>(chunk.size());
                for (SetEntry.Key key : chunk) {
                  SetEntry e = SetTables.find(tx.prepare(SetTables.findSql(key)), set, key);
                  if (e != null) {
                    found.add(e);
                  }
                }
                return apply(tx, set, found, mutation);
              },
              chunk.size(),
              0);
    }
    return changed;
  }

  /**
   * Deletes each entry (by row id) that is still there and does what {@code mutation} says, inside
   * the caller's write.
   */
  int apply(Tx tx, SetName set, List<SetEntry> entries, Mutation mutation) throws SQLException {
    int changed = 0;
    for (SetEntry e : entries) {
      if (!SetTables.delete(tx, e.seq())) {
        continue; // gone since it was read (or listed twice)
      }
      rows.removed(tx, set, 1);
      switch (mutation) {
        case Mutation.Delete d -> {}
        case Mutation.Kill kill ->
            rows.addEntry(tx, SetName.DEAD, kill.expiresAt(), e.jid(), e.queue(), e.payload());
        case Mutation.Requeue r ->
            rows.insertJob(tx, QueuedJob.fromPayload(e.jid(), e.queue(), e.payload()));
      }
      changed++;
    }
    return changed;
  }
}
