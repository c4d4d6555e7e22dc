package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.wakeup.WakeupBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Combines concurrent FETCHes: each {@code reserve()} queues a {@link PgFetchRequest} and waits;
 * reserver threads take everything pending (up to {@link #MAX_BATCH}) and claim jobs for the whole
 * batch ({@link PgReservations#reserveBatch}): one autocommit statement per distinct queue list
 * claims and marks its jobs. With 50 workers fetching, one round trip serves dozens of FETCHes
 * instead of one each.
 *
 * <p>One claim at a time per node: a reserver holds {@link #claiming} while its statement runs, and
 * answers its requests (which writes their replies) after letting go of it. The other reserver
 * meanwhile waits for the lock and then takes everything that arrived while it waited, so the
 * statement is always busy and each claim serves as many FETCHes as it can. Why not two claims at
 * once: two claims of one queue list walk the same head of {@code jobs_ready}, each stepping over
 * the rows the other holds locked (SKIP LOCKED visits each) and the index entries the other just
 * left dead; measured with {@code pg_stat_statements} and PostgreSQL's CPU, one node draining
 * 100,000 jobs on 50 connections spent ~30 % more PostgreSQL CPU per job that way
 * (docs/benchmarks-postgresql.md).
 *
 * <p>Nothing here decides a race between nodes: the rows are claimed with {@code FOR UPDATE SKIP
 * LOCKED}; the batching only decides which of this node's waiting callers gets which claimed row
 * (arrival order within a queue list).
 */
final class PgFetchBatcher implements AutoCloseable {

  /** The most requests one transaction serves; bounds the rows it locks and its duration. */
  static final int MAX_BATCH = 256;

  /** The database step of serving a batch. */
  @FunctionalInterface
  interface Claims {
    /**
     * Claims the batch's jobs and returns what answers its requests: run once the claim is done, it
     * must complete every request of the batch (also when the claim failed).
     */
    Runnable claim(List<PgFetchRequest> batch);
  }

  private final BlockingQueue<PgFetchRequest> pending = new LinkedBlockingQueue<>();
  private final Claims claims;
  private final ReentrantLock claiming = new ReentrantLock(true); // fair: who waited claims next
  private final List<Thread> reservers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * {@code threads} reservers: while one claims, another answers the requests its last claim got,
   * then waits to claim for the requests that arrived meanwhile.
   */
  PgFetchBatcher(Claims claims, int threads) {
    this.claims = claims;
    for (int i = 0; i < threads; i++) {
      Thread t = Thread.ofPlatform().name("fabrik-pg-reserver-" + i).daemon().unstarted(this::run);
      reservers.add(t);
      t.start();
    }
  }

  Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    try {
      return reserveAsync(queues, wid, now, deadline).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /**
   * Queues the request and returns its answer to come, completed on the reserver thread that served
   * its batch (an event loop's FETCH replies from there, with no thread of its own).
   */
  CompletableFuture<Optional<Reservation>> reserveAsync(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    if (closed) {
      throw new StorageException("store is closed");
    }
    PgFetchRequest request = new PgFetchRequest(queues, wid, now, deadline);
    pending.add(request);
    if (closed) {
      failPending(); // closed between the check and the add: no reserver is left to answer
    }
    return request.result();
  }

  /** Requests waiting for a reserver (for tests). */
  int waiting() {
    return pending.size();
  }

  /** Whether a reserver with requests in hand waits for another's claim to end (for tests). */
  boolean claimWaiting() {
    return claiming.hasQueuedThreads();
  }

  private void run() {
    List<PgFetchRequest> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        batch.add(pending.take());
        claiming.lockInterruptibly();
      } catch (InterruptedException e) {
        batch.forEach(
            r -> r.result().completeExceptionally(new StorageException("store is closed")));
        break;
      }
      Runnable answer;
      try {
        pending.drainTo(batch, MAX_BATCH - batch.size());
        answer = claims.claim(batch);
      } catch (RuntimeException | Error e) {
        answer = () -> batch.forEach(r -> r.result().completeExceptionally(e));
      } finally {
        claiming.unlock();
      }
      try {
        WakeupBatch.run(answer); // one wake-up per event loop for the batch's FETCH replies
      } catch (RuntimeException | Error e) {
        for (PgFetchRequest r : batch) {
          r.result().completeExceptionally(e); // no-op for those already answered
        }
      }
      batch.clear();
    }
    failPending();
  }

  private void failPending() {
    PgFetchRequest r;
    while ((r = pending.poll()) != null) {
      r.result().completeExceptionally(new StorageException("store is closed"));
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : reservers) {
      t.interrupt();
    }
    for (Thread t : reservers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    failPending();
  }
}
