package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Combines concurrent FETCHes: each {@code reserve()} queues a {@link PgFetchRequest} and waits;
 * reserver threads take everything pending (up to {@link #MAX_BATCH}) and claim jobs for the whole
 * batch ({@link PgReservations#reserveBatch}): one autocommit statement per distinct queue list
 * claims and marks its jobs. With 50 workers fetching, one round trip serves dozens of FETCHes
 * instead of one each.
 *
 * <p>Nothing here decides a race between nodes: the rows are claimed with {@code FOR UPDATE SKIP
 * LOCKED}; the batching only decides which of this node's waiting callers gets which claimed row
 * (arrival order within a queue list).
 */
final class PgFetchBatcher implements AutoCloseable {

  /** The most requests one transaction serves; bounds the rows it locks and its duration. */
  static final int MAX_BATCH = 256;

  private final BlockingQueue<PgFetchRequest> pending = new LinkedBlockingQueue<>();
  private final Consumer<List<PgFetchRequest>> serve;
  private final List<Thread> reservers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * {@code threads} reservers: while one waits for its transaction, another gathers and serves the
   * requests that arrived meanwhile. {@code serve} must complete every request it is given.
   */
  PgFetchBatcher(Consumer<List<PgFetchRequest>> serve, int threads) {
    this.serve = serve;
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

  private void run() {
    List<PgFetchRequest> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        batch.add(pending.take());
      } catch (InterruptedException e) {
        break;
      }
      pending.drainTo(batch, MAX_BATCH - 1);
      try {
        serve.accept(batch);
      } catch (RuntimeException | Error e) {
        for (PgFetchRequest r : batch) {
          r.result().completeExceptionally(e);
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
