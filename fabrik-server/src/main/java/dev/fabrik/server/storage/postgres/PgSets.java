package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The scheduled, retries and dead sets in {@code {s}.set_entries}, shared by every node on the
 * database. Nothing about a set is kept in the Java process: sizes are kept by triggers in the
 * database, and every move out of a set is a DELETE whose returned rows alone are acted on (see
 * {@link PgSetMoves}), so several nodes running the same periodic passes never move one entry
 * twice. Reads are in {@link PgSetScans}.
 */
final class PgSets {
  /** Entries one transaction of a bulk mutation handles. */
  static final int MUTATE_CHUNK = 1000;

  private final PgDatabase db;
  private final PgInserts inserts;
  private final BiConsumer<String, Integer> enqueued;
  private final PgSetScans scans;
  private final PgSetMoves moves;
  private final String count;

  /**
   * @param enqueued told (queue, count) after a commit moved jobs from a set into a queue
   */
  PgSets(PgDatabase db, PgInserts inserts, BiConsumer<String, Integer> enqueued) {
    this.db = db;
    this.inserts = inserts;
    this.enqueued = enqueued;
    this.scans = new PgSetScans(db);
    this.moves = new PgSetMoves(db, inserts);
    this.count = db.sql(PgSetMoves.SIZE);
  }

  void add(SetName set, Instant score, QueuedJob job) {
    addAll(List.of(new SetEntry(set, score, job.jid(), job.queue(), job.payload())));
  }

  /** One INSERT over arrays: atomic without a transaction of its own. */
  void addAll(List<SetEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    read(
        c -> {
          inserts.entries(c, entries);
          return null;
        });
  }

  /**
   * One transaction: delete the due entries (skipping those another node is moving), restamp each
   * payload, insert the survivors into their queues; only after COMMIT are the local listeners told
   * (the NOTIFY trigger on {@code jobs} tells the other nodes, also at COMMIT).
   */
  int enqueueDue(SetName set, Instant now, int limit, UnaryOperator<byte[]> restamp) {
    if (limit <= 0) {
      return 0;
    }
    long nowMicros = PgTime.micros(now);
    Map<String, Integer> perQueue = PgSetMoves.perQueue();
    int moved =
        transaction(
            c -> {
              List<SetEntry> due = moves.takeDue(c, set, nowMicros, limit);
              List<QueuedJob> jobs = new ArrayList<>(due.size());
              for (SetEntry e : due) {
                byte[] payload = restamp.apply(e.payload());
                if (payload != null) {
                  jobs.add(QueuedJob.fromPayload(e.jid(), e.queue(), payload));
                }
              }
              inserts.jobs(c, jobs);
              PgSetMoves.count(jobs, perQueue);
              return due.size();
            });
    tell(perQueue);
    return moved;
  }

  int purgeDue(SetName set, Instant now, int limit) {
    if (limit <= 0) {
      return 0;
    }
    long nowMicros = PgTime.micros(now);
    return read(c -> moves.purgeDue(c, set, nowMicros, limit));
  }

  /**
   * Trims under a transaction-level advisory lock named after the set: a second node trimming at
   * the same moment waits, then counts again in a new snapshot instead of deleting the same excess
   * a second time. The two-key form keeps it out of the one-key (bigint) lock space the migrations
   * use.
   *
   * <pre>SELECT pg_advisory_xact_lock(hashtext('fabrik.set_entries trim'), 2)  -- 2: dead</pre>
   */
  int trim(SetName set, long maxSize) {
    String lock = db.schema() + ".set_entries trim";
    return transaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?), ?)")) {
            ps.setString(1, lock);
            ps.setInt(2, set.ordinal());
            ps.execute();
          }
          return moves.trim(c, set, Math.max(0, maxSize));
        });
  }

  /**
   * Read from the database, not cached (another node may have changed the set): the sum of the
   * set's shard rows in {@code set_counts}, kept exact by the triggers on {@code set_entries} in
   * the transactions that write it, as {@code queue_counts} is for the queues. Flat in the set's
   * size: 0.7 ms at a million entries, where {@code count(*)} took 390 ms (PgSetCountsBench).
   *
   * <pre>SELECT coalesce(sum(n), 0) FROM fabrik.set_counts WHERE set_name = 'dead'</pre>
   */
  long size(SetName set) {
    return read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(count)) {
            ps.setString(1, set.wireName());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  int mutate(SetName set, Predicate<SetEntry> filter, Mutation mutation) {
    return mutateInChunks(set, SetQuery.ALL, filter, mutation);
  }

  int mutate(SetName set, SetQuery query, Mutation mutation) {
    return mutateInChunks(set, query.withDescending(false), e -> true, mutation);
  }

  /**
   * Reads a chunk (no lock held), keeps what {@code filter} accepts, and changes those still there
   * in one short transaction; repeats from the chunk's cursor. Only entries with a seq at most the
   * greatest one at the start are read, so the entries a kill within the dead set adds (new seqs)
   * are never visited again.
   */
  private int mutateInChunks(
      SetName set, SetQuery query, Predicate<SetEntry> filter, Mutation mutation) {
    long maxSeq = read(scans::maxSeq);
    int changed = 0;
    SetEntry.Key after = null;
    do {
      SetEntry.Key from = after;
      SetPage chunk = read(c -> scans.scan(c, set, query, from, MUTATE_CHUNK, maxSeq));
      Long[] seqs = chunk.entries().stream().filter(filter).map(SetEntry::seq).toArray(Long[]::new);
      if (seqs.length > 0) {
        changed += applyInTransaction(set, mutation, c -> seqs);
      }
      after = chunk.next();
    } while (after != null);
    return changed;
  }

  int mutate(SetName set, Collection<SetEntry.Key> keys, Mutation mutation) {
    List<SetEntry.Key> all = List.copyOf(keys);
    int changed = 0;
    for (int from = 0; from < all.size(); from += MUTATE_CHUNK) {
      List<SetEntry.Key> chunk = all.subList(from, Math.min(all.size(), from + MUTATE_CHUNK));
      changed += applyInTransaction(set, mutation, c -> moves.resolve(c, set, chunk));
    }
    return changed;
  }

  /** Finds the seqs and applies the mutation in one transaction; tells listeners after COMMIT. */
  private int applyInTransaction(SetName set, Mutation mutation, Work<Long[]> seqs) {
    Map<String, Integer> perQueue = PgSetMoves.perQueue();
    int changed = transaction(c -> moves.apply(c, set, seqs.run(c), mutation, perQueue));
    tell(perQueue);
    return changed;
  }

  SetPage scan(SetName set, SetQuery query, SetEntry.Key after, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return read(c -> scans.scan(c, set, query, after, limit, Long.MAX_VALUE));
  }

  Optional<SetEntry> find(SetName set, SetEntry.Key key) {
    return Optional.ofNullable(read(c -> scans.find(c, set, key)));
  }

  private void tell(Map<String, Integer> perQueue) {
    perQueue.forEach(enqueued);
  }

  // ---------------------------------------------------------------- connections

  /** Work on a connection that may throw SQLException. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a pooled connection in autocommit (one statement, or reads). */
  private <T> T read(Work<T> work) {
    try (Connection c = db.connection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** Runs {@code work} in one transaction; nothing of it remains when it throws. */
  private <T> T transaction(Work<T> work) {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(c, e);
        throw e;
      } // the pool turns autocommit back on when the connection returns
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  private static void rollback(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static StorageException failed(SQLException e) {
    return new StorageException("PostgreSQL set operation failed: " + e.getMessage(), e);
  }
}
