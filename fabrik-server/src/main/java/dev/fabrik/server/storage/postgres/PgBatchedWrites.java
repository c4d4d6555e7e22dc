package dev.fabrik.server.storage.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for small independent writes (tracking upserts): the writes waiting when a writer is
 * free run one after the other on one connection, in one transaction, under one COMMIT, instead of
 * a commit (and a WAL flush) each. Submission order is kept within a batch; callers that need order
 * between batches chain through {@link KeyOrderedWrites}. If a batch fails, each write is tried
 * again in a transaction of its own, so only a write that fails on its own reports it. Writers are
 * virtual threads started on demand, at most {@link #MAX_WRITERS}, exiting when idle.
 */
final class PgBatchedWrites {
  static final int MAX_WRITERS = 2;
  static final int MAX_BATCH = 200;

  private record Write<T>(PgCalls.Body<T> body, CompletableFuture<T> done) {}

  private final PgDatabase db;
  private final String what;
  private final Executor writers;
  private final ConcurrentLinkedQueue<Write<?>> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();

  /**
   * @param what names the writes in errors ("writing tracking records")
   */
  PgBatchedWrites(PgDatabase db, String what, Executor writers) {
    this.db = db;
    this.what = what;
    this.writers = writers;
  }

  /** Queues a write; the stage completes with its result after the COMMIT that made it durable. */
  <T> CompletableFuture<T> submit(PgCalls.Body<T> body) {
    Write<T> w = new Write<>(body, new CompletableFuture<>());
    waiting.add(w);
    startWriterIfNeeded();
    return w.done();
  }

  private void startWriterIfNeeded() {
    while (!waiting.isEmpty()) {
      int n = running.get();
      if (n >= MAX_WRITERS) {
        return; // a running writer drains the queue before it exits
      }
      if (running.compareAndSet(n, n + 1)) {
        try {
          writers.execute(this::drain);
        } catch (RuntimeException e) {
          running.decrementAndGet();
          throw e;
        }
        return;
      }
    }
  }

  private void drain() {
    try {
      List<Write<?>> batch = new ArrayList<>();
      while (true) {
        batch.clear();
        Write<?> w;
        while (batch.size() < MAX_BATCH && (w = waiting.poll()) != null) {
          batch.add(w);
        }
        if (batch.isEmpty()) {
          break;
        }
        write(batch);
      }
    } finally {
      running.decrementAndGet();
      // A write queued after the last poll, while this writer still counted as running.
      startWriterIfNeeded();
    }
  }

  private void write(List<Write<?>> batch) {
    List<Object> results;
    try {
      results =
          PgCalls.transaction(
              db,
              what,
              c -> {
                List<Object> out = new ArrayList<>(batch.size());
                for (Write<?> w : batch) {
                  out.add(w.body().run(c));
                }
                return out;
              });
    } catch (RuntimeException e) {
      if (batch.size() == 1) {
        batch.getFirst().done().completeExceptionally(e);
        return;
      }
      for (Write<?> w : batch) {
        write(List.of(w));
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results.get(i));
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Write<T> w, Object result) {
    w.done().complete((T) result);
  }
}
