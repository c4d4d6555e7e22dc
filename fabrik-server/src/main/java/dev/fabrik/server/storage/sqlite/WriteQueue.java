package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.StorageException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writes waiting for the writer, and the rule that cuts them into batches so that no kind of
 * write waits long behind another.
 *
 * <p>Writes of a few rows (ACK, FAIL, a single PUSH, a pause) wait in the <em>small</em> lane, the
 * rest (PUSHB, bulk set loads, scheduler passes, queue removal) in the <em>bulk</em> lane, each in
 * arrival order. A batch takes small writes first, then bulk ones, until it holds {@link
 * Limits#rows} rows or {@link Limits#bytes} payload bytes, but always at least one write of each
 * lane that has any:
 *
 * <ul>
 *   <li>a small write waits at most for the batch running when it came and its own batch (unless
 *       more than a batch's worth of small writes came before it): a PUSHB flood cannot hold an ACK
 *       back;
 *   <li>a bulk write still goes in every batch, however many small writes arrive: nothing starves;
 *   <li>one batch is bounded by its limits plus one write that exceeds them on its own (a PUSHB of
 *       large jobs), so the batch in progress is bounded too.
 * </ul>
 *
 * Writes of one caller that depend on each other are never in the queue together (each caller waits
 * for its write before it sends the next), so reordering between lanes changes nothing anyone can
 * observe; within a lane the order is kept.
 */
final class WriteQueue {

  /**
   * How much one batch may carry. Measured on a 2-core machine, 4,000 rows of ~150 B commit in
   * ~5-10 ms under {@code synchronous=NORMAL}; 4 PUSHBs of 1,000 jobs still share one commit.
   *
   * @param rows rows (jobs, set entries, deletions) one batch may write
   * @param bytes payload bytes one batch may write
   * @param smallRows most rows of a write that goes in the small lane
   */
  record Limits(int rows, long bytes, int smallRows) {
    static final Limits DEFAULT = new Limits(4_000, 8L << 20, 2);
  }

  /** A write and its caller's future, with what it will write (an estimate is fine). */
  record Pending<T>(WriteOp<T> op, CompletableFuture<T> future, int rows, long bytes) {}

  private final Limits limits;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<Pending<?>> small = new ArrayDeque<>();
  private final ArrayDeque<Pending<?>> bulk = new ArrayDeque<>();
  private boolean closed;

  WriteQueue(Limits limits) {
    this.limits = limits;
  }

  /**
   * Queues {@code p}.
   *
   * @throws StorageException once {@link #close} was called
   */
  void add(Pending<?> p) {
    lock.lock();
    try {
      if (closed) {
        throw new StorageException("store is closed");
      }
      (p.rows() <= limits.smallRows() ? small : bulk).add(p);
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for a write, then moves the next batch into {@code batch} (empty). Returns false, with
   * nothing moved, once the queue is closed and empty: every write queued before {@link #close} is
   * still handed out.
   */
  boolean takeBatch(List<Pending<?>> batch) throws InterruptedException {
    lock.lock();
    try {
      while (small.isEmpty() && bulk.isEmpty()) {
        if (closed) {
          return false;
        }
        nonEmpty.await();
      }
      Budget budget = new Budget();
      budget.take(small, batch);
      budget.take(bulk, batch);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses writes from now on; those already queued are still handed out. */
  void close() {
    lock.lock();
    try {
      closed = true;
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns everything still queued (the writer ended without running it). */
  List<Pending<?>> drain() {
    lock.lock();
    try {
      List<Pending<?>> out = new ArrayList<>(small);
      out.addAll(bulk);
      small.clear();
      bulk.clear();
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** What is left of one batch's limits while it is filled. */
  private final class Budget {
    private long rows;
    private long bytes;

    /** Moves writes from the head of {@code lane} while they fit, and at least one. */
    void take(ArrayDeque<Pending<?>> lane, List<Pending<?>> batch) {
      boolean first = true;
      for (Pending<?> p = lane.peek(); p != null; p = lane.peek()) {
        boolean fits = rows + p.rows() <= limits.rows() && bytes + p.bytes() <= limits.bytes();
        if (!fits && !first) {
          return;
        }
        batch.add(lane.poll());
        rows += p.rows();
        bytes += p.bytes();
        first = false;
      }
    }
  }
}
