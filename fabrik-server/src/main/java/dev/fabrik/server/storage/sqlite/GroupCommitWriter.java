package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.CommitObserver;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.wakeup.WakeupBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes. Callers (usually virtual threads or an event loop) hand it a {@link
 * WriteOp} and wait on a future; it takes the next batch from its {@link WriteQueue} (small writes
 * first, bounded in rows and bytes, so an ACK never waits behind a flood of PUSHB), runs it in one
 * transaction, commits once, runs the commit hooks, then completes the futures: one fsync (or WAL
 * write) is shared by the whole batch. If the batch fails it rolls back and runs each op in a
 * transaction of its own, so only the op at fault fails and nothing of it is stored. Every future
 * completes only after its commit: whatever a caller answers from it is as durable as the store's
 * durability setting promises.
 *
 * <p>Between batches it keeps the WAL file bounded. The {@link Checkpointer} copies the WAL back in
 * the background, but SQLite only rewinds the WAL when a write starts after everything was copied,
 * which never happens while this thread commits without pause: the file grew to 700 MB under a
 * steady load. So once it passes its {@link WalBudget} the writer itself runs a RESTART checkpoint
 * (only the tail the checkpointer has not copied yet is left to copy), and its next commit writes
 * the WAL from the start again, over the same file. Not TRUNCATE: cutting a 64 MB file to nothing
 * and growing it again stalled every caller 40-120 ms per truncation, against 1-20 ms for RESTART,
 * and every frame written to a regrown file costs block allocation. Readers may keep it from
 * finishing (SQLITE_BUSY); then it tries again after the next batch.
 */
final class GroupCommitWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** The kind of failure {@link StorageErrors} counts for failed commits. */
  static final String WRITES = "SQLite write";

  private final Connection connection;
  private final Path walFile;
  private final WalBudget walBudget;
  private final Lock checkpointLock;
  private final Tx tx;
  private final Runnable onRollback;
  private final Consumer<Map<String, Integer>> onEnqueued;
  private final WriteQueue queue;
  private final StorageErrors errors;
  private final Thread thread;
  private volatile CommitObserver observer = CommitObserver.NONE;

  /**
   * @param limits how much one batch may carry
   * @param errors where failed writes are reported (logged once per interval)
   * @param walFile the database's {@code -wal} file, watched between batches
   * @param walBudget the WAL size past which the writer rewinds it
   * @param checkpointLock held by whoever checkpoints (see {@link Checkpointer})
   * @param onJobsCommitted told of inserted jobs, in order, when they committed
   * @param onRollback restores the writer-side bookkeeping of ops after a rollback
   * @param onEnqueued told which queues received jobs, after the futures completed
   */
  GroupCommitWriter(
      WriteQueue.Limits limits,
      StorageErrors errors,
      Connection connection,
      Path walFile,
      WalBudget walBudget,
      Lock checkpointLock,
      Consumer<List<JobWrites.Row>> onJobsCommitted,
      Runnable onRollback,
      Consumer<Map<String, Integer>> onEnqueued) {
    this.queue = new WriteQueue(limits);
    this.errors = errors;
    this.connection = connection;
    this.walFile = walFile;
    this.walBudget = walBudget;
    this.checkpointLock = checkpointLock;
    this.tx = new Tx(connection, onJobsCommitted);
    this.onRollback = onRollback;
    this.onEnqueued = onEnqueued;
    this.thread = Thread.ofPlatform().name("fabrik-sqlite-writer").daemon().unstarted(this::run);
    thread.start();
  }

  /** Reports every commit from now on (batch size and BEGIN-to-COMMIT time) to {@code o}. */
  void observe(CommitObserver o) {
    this.observer = o == null ? CommitObserver.NONE : o;
  }

  /** Runs {@code op} (a write of a few rows) durably and returns its result, or what it threw. */
  <T> T write(WriteOp<T> op) {
    return write(op, 1, 0);
  }

  /**
   * Runs {@code op} durably and returns its result, or throws what it threw.
   *
   * @param rows about how many rows it writes (batches are bounded by rows and bytes)
   * @param bytes about how many payload bytes it writes
   */
  <T> T write(WriteOp<T> op, int rows, long bytes) {
    CompletableFuture<T> future = submitAsync(op, rows, bytes);
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new StorageException("write failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for the write", e);
    }
  }

  /**
   * Queues {@code op} and returns the future of its result, completed on the writer thread right
   * after the commit (after the hooks that make inserted jobs fetchable). Whatever is chained to it
   * runs on the writer thread and holds up the next batch, so it must be short and never block.
   * Throws at once if the writer is closed.
   *
   * @param rows about how many rows it writes (batches are bounded by rows and bytes)
   * @param bytes about how many payload bytes it writes
   */
  <T> CompletableFuture<T> submitAsync(WriteOp<T> op, int rows, long bytes) {
    CompletableFuture<T> future = new CompletableFuture<>();
    queue.add(new WriteQueue.Pending<>(op, future, rows, bytes));
    return future;
  }

  private void run() {
    List<WriteQueue.Pending<?>> batch = new ArrayList<>();
    try {
      while (queue.takeBatch(batch)) {
        runBatch(batch);
        batch.clear();
        boundWal();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failLeftovers();
      tx.closeStatements();
      try {
        connection.close();
      } catch (SQLException e) {
        log.warn("closing the SQLite writer connection failed", e);
      }
    }
  }

  private void runBatch(List<WriteQueue.Pending<?>> batch) {
    Object[] results = new Object[batch.size()];
    long start = System.nanoTime();
    try {
      begin();
      for (int i = 0; i < batch.size(); i++) {
        results[i] = batch.get(i).op().apply(tx);
      }
      commit();
    } catch (Throwable t) {
      rollback();
      if (batch.size() == 1) {
        fail(batch.getFirst(), t);
      } else {
        for (WriteQueue.Pending<?> p : batch) {
          runAlone(p);
        }
      }
      return;
    }
    committed(batch.size(), System.nanoTime() - start);
    finish(batch, results);
    errors.succeeded(WRITES);
  }

  private void runAlone(WriteQueue.Pending<?> p) {
    Object result;
    long start = System.nanoTime();
    try {
      begin();
      result = p.op().apply(tx);
      commit();
    } catch (Throwable t) {
      rollback();
      fail(p, t);
      return;
    }
    committed(1, System.nanoTime() - start);
    finish(List.of(p), new Object[] {result});
    errors.succeeded(WRITES);
  }

  /**
   * Before the callers are released (so a caller that wrote sees its commit counted); an observer
   * that throws must not break the commit.
   */
  private void committed(int operations, long nanos) {
    try {
      observer.committed(operations, nanos);
    } catch (RuntimeException e) {
      log.warn("commit observer failed", e);
    }
  }

  /** Not a cached statement: after a failure the driver will not run a cached ROLLBACK again. */
  private void control(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  /** Cached with the transaction's statements (dropped and prepared again after a rollback). */
  private void begin() throws SQLException {
    tx.prepare("BEGIN").execute();
  }

  private void commit() throws SQLException {
    tx.flushJobs();
    tx.writeCounts();
    tx.prepare("COMMIT").execute();
  }

  private void rollback() {
    try {
      control("ROLLBACK");
    } catch (SQLException e) {
      // SQLite already rolled back by itself (it does on SQLITE_FULL and some I/O errors)
      log.debug("SQLite rollback: {}", e.getMessage());
    }
    tx.reset();
    // The driver leaves a statement that failed unusable ("statement is not executing"): start
    // over.
    tx.closeStatements();
    onRollback.run();
  }

  /**
   * Rewinds the WAL once its file passed its budget ({@link WalBudget}); on SQLITE_BUSY the next
   * batch tries again. While the disk has room the file itself stays at the configured limit
   * ({@code journal_size_limit}), so it only grows past it when the frames in use do; when the disk
   * runs low the file is truncated so that its blocks go back to the file system.
   */
  private void boundWal() {
    long size;
    try {
      size = Files.size(walFile);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      log.debug("cannot read the WAL size: {}", e.getMessage());
      return;
    }
    WalBudget.Action action = walBudget.check(size);
    if (action == WalBudget.Action.NONE) {
      return;
    }
    long limit = walBudget.limit(size);
    // A background checkpoint in progress (it fsyncs the database, slow under FULL) is let finish
    // while the WAL is within 1.5x the limit; past that the writer waits for it.
    if (!checkpointLock.tryLock()) {
      if (size <= limit + limit / 2) {
        return;
      }
      checkpointLock.lock();
    }
    boolean truncate = action == WalBudget.Action.TRUNCATE;
    boolean done = false;
    try (Statement s = connection.createStatement()) {
      // Wait briefly for readers: a reader holding the WAL only delays the rewind a batch.
      s.execute("PRAGMA busy_timeout=100");
      try (ResultSet rs =
          s.executeQuery("PRAGMA wal_checkpoint(" + (truncate ? "TRUNCATE" : "RESTART") + ")")) {
        done = rs.next() && rs.getInt(1) == 0;
        if (!done) {
          log.debug("WAL rewind busy at {} bytes; retrying after the next batch", size);
        }
      } finally {
        s.execute("PRAGMA busy_timeout=" + Schema.BUSY_TIMEOUT_MILLIS);
      }
    } catch (SQLException e) {
      log.debug("WAL rewind failed: {}", e.getMessage());
    } finally {
      checkpointLock.unlock();
    }
    if (truncate) {
      if (done) {
        walBudget.truncated();
      } else {
        walBudget.truncationFailed();
      }
    }
  }

  /** Publishes the committed batch: hooks (jobs become fetchable), listeners, then callers. */
  @SuppressWarnings("unchecked")
  private void finish(List<WriteQueue.Pending<?>> done, Object[] results) {
    for (Runnable hook : tx.hooks()) {
      hook.run();
    }
    Map<String, Integer> enqueued = Map.copyOf(tx.enqueuedQueues());
    tx.reset();
    if (!enqueued.isEmpty()) {
      try {
        onEnqueued.accept(enqueued);
      } catch (RuntimeException e) {
        log.warn("enqueue listener failed", e);
      }
    }
    // The callers' replies wake each event loop once for the whole batch.
    WakeupBatch.run(
        () -> {
          for (int i = 0; i < done.size(); i++) {
            ((CompletableFuture<Object>) done.get(i).future()).complete(results[i]);
          }
        });
  }

  /**
   * The caller gets the failure; the log gets it through {@link StorageErrors} (a full disk fails
   * every write, and one line per failure would fill what is left of it).
   */
  private void fail(WriteQueue.Pending<?> p, Throwable t) {
    Throwable error = t;
    if (t instanceof SQLException) {
      error = new StorageException("SQLite write failed: " + t.getMessage(), t);
      errors.failed(WRITES, t);
    }
    p.future().completeExceptionally(error);
  }

  private void failLeftovers() {
    for (WriteQueue.Pending<?> p : queue.drain()) {
      p.future().completeExceptionally(new StorageException("store is closed"));
    }
  }

  /** Finishes every op already submitted, then closes the connection. Idempotent. */
  @Override
  public void close() {
    queue.close();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
