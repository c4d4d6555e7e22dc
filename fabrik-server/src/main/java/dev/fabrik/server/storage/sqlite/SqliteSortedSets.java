package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The sorted sets (scheduled, retries, dead) of {@link SqliteStore}: adds, due entries moved to
 * their queues or purged, trims, the operator's mutations, range reads, and each set's size, which
 * PUSH and FAIL keep up to date when they add entries inside their own writes.
 */
final class SqliteSortedSets {

  /** The job rows a set entry becomes when it is due or re-queued, written by the store. */
  interface Jobs {
    /** Inserts a job at the back of its queue. */
    void insertJob(Tx tx, QueuedJob job) throws SQLException;
  }

  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final Jobs jobs;
  private final SqliteSetMutations mutations;
  private final AtomicLong[] setSizes = new AtomicLong[SetName.values().length];

  // Owned by the writer thread: set sizes including uncommitted ops of the batch.
  private final long[] pendingSetSizes = new long[SetName.values().length];
  private long nextSetEntryId;

  SqliteSortedSets(GroupCommitWriter writer, ReaderPool readers, Recovery.State state, Jobs jobs) {
    this.writer = writer;
    this.readers = readers;
    this.jobs = jobs;
    this.nextSetEntryId = state.nextSetEntryId();
    for (SetName s : SetName.values()) {
      setSizes[s.ordinal()] = new AtomicLong(state.setSizes()[s.ordinal()]);
      pendingSetSizes[s.ordinal()] = state.setSizes()[s.ordinal()];
    }
    this.mutations = new SqliteSetMutations(writer, readers, new SetRows());
  }

  /** The write that adds {@code job} to {@code set}, for the store to run (batch-checked). */
  WriteOp<Void> addOp(SetName set, Instant score, QueuedJob job) {
    return tx -> {
      addEntry(tx, set, score, job.jid(), job.queue(), job.payload());
      return null;
    };
  }

  void addAllToSet(List<SetEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    List<SetEntry> copy = List.copyOf(entries);
    writer.write(
        tx -> {
          addEntries(tx, copy);
          return null;
        },
        copy.size(),
        entryBytes(copy));
  }

  static long entryBytes(List<SetEntry> entries) {
    long bytes = 0;
    for (SetEntry e : entries) {
      bytes += e.payload().length;
    }
    return bytes;
  }

  /** Adds entries inside the caller's write (PUSH with scheduled jobs). */
  void addEntries(Tx tx, List<SetEntry> entries) throws SQLException {
    for (SetEntry e : entries) {
      addEntry(tx, e.set(), e.score(), e.jid(), e.queue(), e.payload());
    }
  }

  /** Adds an entry inside the caller's write (FAIL to the retry or dead set, a snooze). */
  void addEntry(Tx tx, SetName set, Instant score, String jid, String queue, byte[] payload)
      throws SQLException {
    SetTables.insert(tx, nextSetEntryId++, set, score, jid, queue, payload);
    adjustSetSize(tx, set, 1);
  }

  private void adjustSetSize(Tx tx, SetName set, long delta) {
    pendingSetSizes[set.ordinal()] += delta;
    tx.onCommit(() -> setSizes[set.ordinal()].addAndGet(delta));
  }

  /** The row writes {@link SqliteSetMutations} shares with PUSH (job ids, set sizes). */
  private final class SetRows implements SqliteSetMutations.Rows {
    @Override
    public void insertJob(Tx tx, QueuedJob job) throws SQLException {
      jobs.insertJob(tx, job);
    }

    @Override
    public void addEntry(
        Tx tx, SetName set, Instant score, String jid, String queue, byte[] payload)
        throws SQLException {
      SqliteSortedSets.this.addEntry(tx, set, score, jid, queue, payload);
    }

    @Override
    public void removed(Tx tx, SetName set, long removed) {
      adjustSetSize(tx, set, -removed);
    }
  }

  int enqueueDue(SetName set, Instant now, int limit, UnaryOperator<byte[]> restamp) {
    if (setSize(set) == 0) {
      // The periodic passes run every second: an idle server commits nothing. An entry still
      // being committed is picked up by the next pass.
      return 0;
    }
    return writer.write(
        tx -> {
          List<SetEntry> due = SetTables.due(tx, set, now, limit);
          for (SetEntry e : due) {
            SetTables.delete(tx, e.seq());
            byte[] payload = restamp.apply(e.payload());
            if (payload != null) {
              jobs.insertJob(tx, QueuedJob.fromPayload(e.jid(), e.queue(), payload));
            }
          }
          adjustSetSize(tx, set, -due.size());
          return due.size();
        },
        limit,
        0);
  }

  int purgeDue(SetName set, Instant now, int limit) {
    if (setSize(set) == 0) {
      return 0;
    }
    return writer.write(
        tx -> {
          int n = SetTables.deleteDue(tx, set, now, limit);
          adjustSetSize(tx, set, -n);
          return n;
        },
        limit,
        0);
  }

  int trim(SetName set, long maxSize) {
    return writer.write(
        tx -> {
          long excess = pendingSetSizes[set.ordinal()] - maxSize;
          if (excess <= 0) {
            return 0;
          }
          int n = SetTables.deleteLowest(tx, set, excess);
          adjustSetSize(tx, set, -n);
          return n;
        },
        (int) Math.clamp(setSize(set) - maxSize, 1, Integer.MAX_VALUE),
        0);
  }

  long setSize(SetName set) {
    return setSizes[set.ordinal()].get();
  }

  int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation) {
    return mutations.mutate(set, SetQuery.ALL, filter, mutation);
  }

  int mutate(SetName set, SetQuery query, Mutation mutation) {
    return mutations.mutate(set, query.withDescending(false), e -> true, mutation);
  }

  int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    return mutations.mutate(set, keys, mutation);
  }

  /**
   * Deletes the dead entry {@code (score, jid)} inside the caller's write (a workflow step retried
   * from the dead set); false when it is gone.
   */
  boolean deleteDead(Tx tx, Instant score, String jid) throws SQLException {
    SetEntry.Key key = new SetEntry.Key(score, jid);
    SetEntry e = SetTables.find(tx.prepare(SetTables.findSql(key)), SetName.DEAD, key);
    return e != null && mutations.apply(tx, SetName.DEAD, List.of(e), new Mutation.Delete()) == 1;
  }

  SetPage scan(SetName set, SetQuery query, SetEntry.Key after, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return readers.read(c -> SetScans.scan(c, set, query, after, limit, Long.MAX_VALUE));
  }

  Optional<SetEntry> find(SetName set, SetEntry.Key key) {
    return Optional.ofNullable(
        readers.read(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(SetTables.findSql(key))) {
                return SetTables.find(ps, set, key);
              }
            }));
  }

  /** Writer thread, inside FLUSH: every set is empty once it commits. */
  void flushed(Tx tx) {
    Arrays.fill(pendingSetSizes, 0);
    tx.onCommit(
        () -> {
          for (AtomicLong size : setSizes) {
            size.set(0);
          }
        });
  }

  /** Writer thread, after a rollback: forget what the failed ops did to the sizes. */
  void afterRollback() {
    for (SetName s : SetName.values()) {
      pendingSetSizes[s.ordinal()] = setSizes[s.ordinal()].get();
    }
  }
}
