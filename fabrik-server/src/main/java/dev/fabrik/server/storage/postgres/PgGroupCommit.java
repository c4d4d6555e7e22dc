package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.CommitObserver;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for PUSH, PUSHB and ACK arriving on many connections: a few writer threads each
 * drain the waiting operations into one transaction (all jobs in one array INSERT, all ACKs in one
 * DELETE), commit, and only then complete each operation's future. Durability is PostgreSQL's own
 * (fsync, synchronous_commit as configured): the gain is that one WAL flush covers a whole batch.
 *
 * <p>Several writers keep the database busy while one waits for its flush. Two operations of one
 * caller are never waiting together (a caller waits for its answer before sending the next), so
 * batches committing in either order changes nothing anyone can observe.
 *
 * <p>When a batch fails, each of its operations is run again alone, so one bad operation (a value
 * PostgreSQL refuses) fails only itself and a deadlock with another node costs only a retry.
 */
final class PgGroupCommit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgGroupCommit.class);

  /** Rows one batch may write (plus one operation that exceeds this on its own, a big PUSHB). */
  static final int BATCH_ROWS = 4_000;

  /** A write waiting for its batch. */
  private sealed interface Op permits Push, Ack {
    int rows();

    void fail(Throwable e);
  }

  private record Push(List<QueuedJob> jobs, List<SetEntry> entries, CompletableFuture<Void> done)
      implements Op {
    @Override
    public int rows() {
      return Math.max(1, jobs.size() + entries.size());
    }

    @Override
    public void fail(Throwable e) {
      done.completeExceptionally(e);
    }
  }

  private record Ack(String jid, CompletableFuture<Optional<Reservation>> done) implements Op {
    @Override
    public int rows() {
      return 1;
    }

    @Override
    public void fail(Throwable e) {
      done.completeExceptionally(e);
    }
  }

  private final PgDatabase db;
  private final PgInserts inserts;
  private final PgAcks acks;
  private final BiConsumer<String, Integer> enqueued;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<Op> waiting = new ArrayDeque<>();
  private final List<Thread> writers = new ArrayList<>();
  private volatile CommitObserver observer = CommitObserver.NONE;
  private boolean closed;

  /**
   * @param enqueued told (queue, count) after a commit that made jobs fetchable
   */
  PgGroupCommit(
      PgDatabase db,
      PgInserts inserts,
      PgAcks acks,
      BiConsumer<String, Integer> enqueued,
      int writerThreads) {
    this.db = db;
    this.inserts = inserts;
    this.acks = acks;
    this.enqueued = enqueued;
    for (int i = 0; i < writerThreads; i++) {
      // Platform threads: each holds a JDBC connection through a round trip and a WAL flush.
      Thread t = Thread.ofPlatform().name("fabrik-pg-writer-" + i).daemon().unstarted(this::run);
      writers.add(t);
      t.start();
    }
  }

  void observe(CommitObserver o) {
    observer = o == null ? CommitObserver.NONE : o;
  }

  CompletableFuture<Void> push(List<QueuedJob> jobs, List<SetEntry> entries) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(new Push(List.copyOf(jobs), List.copyOf(entries), done));
    return done;
  }

  CompletableFuture<Optional<Reservation>> acknowledge(String jid) {
    CompletableFuture<Optional<Reservation>> done = new CompletableFuture<>();
    submit(new Ack(jid, done));
    return done;
  }

  private void submit(Op op) {
    lock.lock();
    try {
      if (closed) {
        op.fail(new StorageException("store is closed"));
        return;
      }
      waiting.addLast(op);
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Takes the next batch, waiting for at least one operation; empty once closed and drained. */
  private List<Op> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (waiting.isEmpty()) {
        if (closed) {
          return List.of();
        }
        nonEmpty.await(1, TimeUnit.SECONDS);
      }
      List<Op> batch = new ArrayList<>();
      int rows = 0;
      while (!waiting.isEmpty()
          && (batch.isEmpty() || rows + waiting.peekFirst().rows() <= BATCH_ROWS)) {
        Op op = waiting.pollFirst();
        rows += op.rows();
        batch.add(op);
      }
      if (!waiting.isEmpty()) {
        nonEmpty.signal(); // another writer takes the rest meanwhile
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    try {
      while (true) {
        List<Op> batch = nextBatch();
        if (batch.isEmpty()) {
          return;
        }
        write(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("PostgreSQL writer stopped", e);
    }
  }

  private void write(List<Op> batch) {
    try {
      commit(batch);
    } catch (SQLException | RuntimeException e) {
      if (batch.size() == 1) {
        batch.getFirst().fail(e instanceof SQLException s ? PgWork.failed(s) : e);
        return;
      }
      for (Op op : batch) {
        try {
          commit(List.of(op));
        } catch (SQLException | RuntimeException alone) {
          op.fail(alone instanceof SQLException s ? PgWork.failed(s) : alone);
        }
      }
    }
  }

  /** One transaction for the batch; completes the futures after COMMIT returned. */
  private void commit(List<Op> batch) throws SQLException {
    long start = System.nanoTime();
    List<QueuedJob> jobs = new ArrayList<>();
    List<SetEntry> entries = new ArrayList<>();
    List<String> ackJids = new ArrayList<>();
    for (Op op : batch) {
      switch (op) {
        case Push p -> {
          jobs.addAll(p.jobs());
          entries.addAll(p.entries());
        }
        case Ack a -> ackJids.add(a.jid());
      }
    }
    Map<String, ArrayDeque<Reservation>> acked;
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        inserts.jobs(c, jobs);
        inserts.entries(c, entries);
        acked = acks.acknowledgeAll(c, ackJids);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        PgWork.rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
    try {
      observer.committed(batch.size(), System.nanoTime() - start);
    } catch (RuntimeException e) {
      log.warn("commit observer failed", e);
    }
    tellEnqueued(jobs);
    for (Op op : batch) {
      switch (op) {
        case Push p -> p.done().complete(null);
        case Ack a -> {
          ArrayDeque<Reservation> mine = acked.get(a.jid());
          a.done().complete(Optional.ofNullable(mine == null ? null : mine.pollFirst()));
        }
      }
    }
  }

  private void tellEnqueued(List<QueuedJob> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    Map<String, Integer> added = new LinkedHashMap<>();
    for (QueuedJob j : jobs) {
      added.merge(j.queue(), 1, Integer::sum);
    }
    added.forEach(
        (queue, count) -> {
          try {
            enqueued.accept(queue, count);
          } catch (RuntimeException e) {
            log.warn("enqueue listener failed", e);
          }
        });
  }

  /** Finishes what is waiting, then stops the writers; later submissions fail. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    for (Thread t : writers) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Op> left;
    lock.lock();
    try {
      left = new ArrayList<>(waiting);
      waiting.clear();
    } finally {
      lock.unlock();
    }
    for (Op op : left) {
      op.fail(new StorageException("store is closed"));
    }
  }
}
