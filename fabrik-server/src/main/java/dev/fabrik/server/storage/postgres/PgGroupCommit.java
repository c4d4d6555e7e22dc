package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.CommitObserver;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.wakeup.WakeupBatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
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
 * drain the waiting operations into one transaction (all jobs in one array INSERT, or all ACKs in
 * one DELETE), commit, and only then complete each operation's future. A PUSH batch's durability is
 * PostgreSQL's own (fsync, synchronous_commit as configured): the gain is that one WAL flush covers
 * a whole batch. A batch holds PUSHes or ACKs, never both: ACK batches may commit without waiting
 * for the flush ({@link PgAcks}), and a PUSH must never share such a commit.
 *
 * <p>Several writers keep the database busy while one waits for its flush. Two operations of one
 * caller are never waiting together (a caller waits for its answer before sending the next), so
 * batches committing in either order changes nothing anyone can observe.
 *
 * <p>A PUSH whose job joined a batch is checked in the batch's transaction ({@link PgBatchJoins}):
 * if its member row went away meanwhile, that PUSH alone is refused and the others commit.
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
  private final PgBatchJoins joins;
  private final BiConsumer<String, Integer> enqueued;
  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock executing = new ReentrantLock(true);
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<Op> waiting = new ArrayDeque<>();
  private final List<Thread> writers = new ArrayList<>();
  private volatile CommitObserver observer = CommitObserver.NONE;
  private volatile BeforeCommit beforeCommit = BeforeCommit.NONE;
  private boolean closed;

  /**
   * For tests: sees each batch's connection right after its statements: the open transaction right
   * before its COMMIT, or, for an ACK batch that commits alone ({@link PgAcks#commitsAlone}), the
   * connection still in autocommit, its statement already committed.
   */
  @FunctionalInterface
  interface BeforeCommit {
    BeforeCommit NONE = (jobs, acks, c) -> {};

    /**
     * @param jobs how many jobs the batch inserted
     * @param acks how many ACKs it ran
     */
    void inspect(int jobs, int acks, Connection c) throws SQLException;
  }

  /**
   * @param enqueued told (queue, count) after a commit that made jobs fetchable
   */
  PgGroupCommit(
      PgDatabase db,
      PgInserts inserts,
      PgAcks acks,
      PgBatchJoins joins,
      BiConsumer<String, Integer> enqueued,
      int writerThreads) {
    this.db = db;
    this.inserts = inserts;
    this.acks = acks;
    this.joins = joins;
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

  void beforeCommit(BeforeCommit b) {
    beforeCommit = b == null ? BeforeCommit.NONE : b;
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

  /**
   * Takes the next batch, waiting for at least one operation; empty once closed and drained. The
   * batch holds only operations of the oldest one's kind (PUSH or ACK); the others stay waiting in
   * their order. Taking a later ACK before an earlier PUSH changes nothing anyone can observe: both
   * come from different callers, who each wait for their answer.
   */
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
      boolean acks = waiting.peekFirst() instanceof Ack;
      int rows = 0;
      for (Iterator<Op> it = waiting.iterator(); it.hasNext(); ) {
        Op op = it.next();
        if ((op instanceof Ack) != acks) {
          continue;
        }
        if (!batch.isEmpty() && rows + op.rows() > BATCH_ROWS) {
          break;
        }
        it.remove();
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

  /**
   * Takes a batch and runs its statements while holding {@link #executing}, then commits without
   * it: batches run their statements in the order they were taken (a repeated ACK of one jid never
   * overtakes the first; a later batch waits for the earlier one's row locks), while one writer's
   * WAL flush overlaps the next batch's statements.
   */
  private void run() {
    try {
      while (true) {
        Executed executed;
        executing.lock();
        try {
          List<Op> batch = nextBatch();
          if (batch.isEmpty()) {
            return;
          }
          executed = execute(batch);
        } finally {
          executing.unlock();
        }
        if (executed != null) {
          commit(executed);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      log.error("PostgreSQL writer stopped", e);
    }
  }

  /** A batch whose statements ran in the open transaction of {@code connection}. */
  private record Executed(
      List<Op> batch,
      Connection connection,
      List<QueuedJob> jobs,
      List<SetEntry> entries,
      Map<String, ArrayDeque<Reservation>> acked,
      boolean committed,
      long start) {}

  /**
   * Runs the batch's statements; null when they failed, after each operation was run again alone
   * (and completed or failed) so that one bad operation fails only itself.
   */
  private Executed execute(List<Op> batch) {
    try {
      return statements(batch);
    } catch (SQLException | RuntimeException e) {
      if (batch.size() == 1) {
        batch.getFirst().fail(e instanceof SQLException s ? PgWork.failed(s) : e);
        return null;
      }
      for (Op op : batch) {
        try {
          commit(statements(List.of(op)));
        } catch (SQLException | RuntimeException alone) {
          op.fail(alone instanceof SQLException s ? PgWork.failed(s) : alone);
        }
      }
      return null;
    }
  }

  /**
   * Opens a transaction and runs the batch in it: all jobs and entries, or all ACKs. A PUSH whose
   * batch went away after it joined ({@link PgBatchJoins}) is failed at once and left out; the rest
   * of the batch goes on (the returned batch holds only what the transaction stores).
   */
  private Executed statements(List<Op> batch) throws SQLException {
    long start = System.nanoTime();
    List<Push> pushes = new ArrayList<>();
    List<String> ackJids = new ArrayList<>();
    for (Op op : batch) {
      switch (op) {
        case Push p -> pushes.add(p);
        case Ack a -> ackJids.add(a.jid());
      }
    }
    // An ACK batch is one statement: alone, it commits in its own implicit transaction, in the
    // round trip that runs it (a PgBouncer transaction-mode pool sees one statement, as for FETCH).
    boolean alone = pushes.isEmpty() && acks.commitsAlone();
    Connection c = db.connection();
    try {
      c.setAutoCommit(alone);
      List<Op> kept = batch;
      Map<Integer, CommandException> refused = joins.refusals(c, pushes, Push::jobs, Push::entries);
      if (!refused.isEmpty()) {
        kept = new ArrayList<>(batch);
        for (int i = pushes.size() - 1; i >= 0; i--) {
          CommandException why = refused.get(i);
          if (why != null) {
            Push gone = pushes.remove(i);
            kept.remove(gone);
            gone.fail(why);
          }
        }
      }
      List<QueuedJob> jobs = new ArrayList<>();
      List<SetEntry> entries = new ArrayList<>();
      for (Push p : pushes) {
        jobs.addAll(p.jobs());
        entries.addAll(p.entries());
      }
      inserts.jobs(c, jobs);
      inserts.entries(c, entries);
      Map<String, ArrayDeque<Reservation>> acked = acks.acknowledgeAll(c, ackJids);
      beforeCommit.inspect(jobs.size(), ackJids.size(), c);
      return new Executed(kept, c, jobs, entries, acked, alone, start);
    } catch (SQLException | RuntimeException e) {
      close(c, e);
      throw e;
    }
  }

  /**
   * COMMIT (unless the batch's statement committed alone), then the futures: a PUSH is answered
   * only once it is durable, an ACK once it is committed (durable too unless ACKs commit
   * asynchronously, see {@link PgAcks}).
   */
  private void commit(Executed x) {
    try {
      if (!x.committed()) {
        x.connection().commit();
      }
    } catch (SQLException e) {
      close(x.connection(), e);
      StorageException failed = PgWork.failed(e);
      x.batch().forEach(op -> op.fail(failed));
      return;
    }
    close(x.connection(), null);
    if (x.batch().isEmpty()) {
      return; // every PUSH of it was refused
    }
    try {
      observer.committed(x.batch().size(), System.nanoTime() - x.start());
    } catch (RuntimeException e) {
      log.warn("commit observer failed", e);
    }
    joins.stored(x.jobs(), x.entries());
    tellEnqueued(x.jobs());
    // The callers' replies wake each event loop once for the whole batch.
    WakeupBatch.run(() -> answer(x));
  }

  private static void answer(Executed x) {
    for (Op op : x.batch()) {
      switch (op) {
        case Push p -> p.done().complete(null);
        case Ack a -> {
          ArrayDeque<Reservation> mine = x.acked().get(a.jid());
          a.done().complete(Optional.ofNullable(mine == null ? null : mine.pollFirst()));
        }
      }
    }
  }

  /** Rolls back what is open (after a failure) and gives the connection back to the pool. */
  private static void close(Connection c, Exception failure) {
    try {
      if (failure != null && !c.getAutoCommit()) {
        PgWork.rollbackQuietly(c, failure);
      }
      c.setAutoCommit(true);
      c.close();
    } catch (SQLException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        log.warn("returning a connection to the pool failed", e);
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
