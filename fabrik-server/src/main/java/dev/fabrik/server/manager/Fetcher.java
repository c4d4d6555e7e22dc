package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * FETCH (spec §3.5): strict queue priority, paused queues skipped, quiet workers starved, and a
 * blocking wait of up to {@code fetchWait} on every listed queue at once (Redis BRPOP semantics).
 */
final class Fetcher {
  private final Store store;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final Duration fetchWait;
  private final FetchWaiters waiters;
  private final List<JobMiddleware> middleware;
  private volatile Reserver reserver;

  Fetcher(
      Store store,
      WorkerRegistry workers,
      Clock clock,
      Duration fetchWait,
      FetchWaiters waiters,
      List<JobMiddleware> middleware) {
    this.store = store;
    this.workers = workers;
    this.clock = clock;
    this.fetchWait = fetchWait;
    this.waiters = waiters;
    this.middleware = middleware;
    this.reserver = new StoreReserver(store);
  }

  /** The store itself, with its own asynchronous answer. */
  private record StoreReserver(Store store) implements Reserver {
    @Override
    public Optional<Reservation> reserve(
        List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
      return store.reserve(queues, wid, now, deadline);
    }

    @Override
    public CompletableFuture<Optional<Reservation>> reserveAsync(
        List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
      return store.reserveAsync(queues, wid, now, deadline);
    }
  }

  void reserveWith(Reserver reserver) {
    this.reserver = reserver;
  }

  /** A job available right now, or empty when {@link #fetch} would wait; never blocks. */
  Optional<Reservation> fetchNow(String wid, List<String> queues) {
    List<String> active = fetchable(wid, queues);
    return active.isEmpty() ? Optional.empty() : tryReserve(wid, active);
  }

  /**
   * {@link #fetchNow} answered on the store's thread, for a store whose reserve is a round trip: a
   * job, or empty when {@link #fetch} would wait or look again (the middleware discarded the job).
   * Null when it cannot be answered without blocking (a limit in force): call {@link #fetch}.
   */
  CompletableFuture<Optional<Reservation>> fetchNowAsync(String wid, List<String> queues) {
    List<String> active = fetchable(wid, queues);
    if (active.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Instant now = clock.instant();
    CompletableFuture<Optional<Reservation>> taken =
        reserver.reserveAsync(
            active, wid == null ? "" : wid, now, payload -> now.plus(ReserveTimeout.of(payload)));
    if (taken == null || middleware.isEmpty()) {
      return taken;
    }
    // The middleware only decodes the rare job whose bytes name its option; a discarded job
    // leaves the FETCH to look again on a thread of its own, as tryReserve does.
    return taken.thenApply(r -> r.isEmpty() || accepted(r.get()) ? r : Optional.empty());
  }

  /**
   * @param justLooked the caller found the queues empty just now: skip the first look (the one
   *     after registering the waiter covers a job stored since)
   */
  Optional<Reservation> fetch(String wid, List<String> queues, boolean justLooked)
      throws InterruptedException {
    long deadline = System.nanoTime() + fetchWait.toNanos();
    List<String> active = fetchable(wid, queues);
    if (active.isEmpty()) {
      idleUntil(deadline);
      return Optional.empty();
    }
    boolean look = !justLooked;
    while (true) {
      Optional<Reservation> r = look ? tryReserve(wid, active) : Optional.empty();
      look = true;
      if (r.isPresent()) {
        return r;
      }
      FetchWaiters.Waiter w = waiters.register(wid, active);
      // Look again after registering: a job enqueued between the first look and the registration
      // signalled nobody, and a worker quieted meanwhile released nobody.
      if (!running(wid)) {
        waiters.unregister(w);
        return Optional.empty();
      }
      r = tryReserve(wid, active);
      if (r.isPresent()) {
        waiters.unregister(w);
        passOn(w, r.get());
        return r;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        waiters.unregister(w);
        return Optional.empty();
      }
      boolean woken = waiters.await(w, left);
      if (!running(wid)) {
        // Told to be quiet while waiting: a job that arrived since is left for another worker.
        passOn(w, null);
        return Optional.empty();
      }
      if (!woken) {
        return tryReserve(wid, active);
      }
      r = tryReserve(wid, active);
      if (r.isPresent()) {
        passOn(w, r.get());
        return r;
      }
      // Someone else took it; wait for the rest of the time.
    }
  }

  private boolean running(String wid) {
    return workers.stateOf(wid) == WorkerState.RUNNING;
  }

  /**
   * A waiter woken for queue A that took a job from queue B (listed first), or none ({@code taken}
   * null: its worker went quiet), leaves A's job for a waiter that was not woken: hand the signal
   * on.
   */
  private void passOn(FetchWaiters.Waiter w, Reservation taken) {
    String wokenBy = w.wokenBy();
    if (wokenBy != null
        && !wokenBy.equals(FetchWaiters.RELEASED)
        && (taken == null || !wokenBy.equals(taken.queue()))) {
      waiters.wake(wokenBy, 1);
    }
  }

  /**
   * The queues {@code wid} may take from now: none for a quiet or terminating worker (looked up by
   * wid on every FETCH, so every pooled connection of a quiet process sees it) or when every listed
   * queue is paused.
   */
  private List<String> fetchable(String wid, List<String> queues) {
    if (queues == null || queues.isEmpty()) {
      throw CommandException.err("must call fetch with at least one queue");
    }
    if (workers.stateOf(wid) != WorkerState.RUNNING) {
      return List.of();
    }
    return withoutPaused(queues);
  }

  private List<String> withoutPaused(List<String> queues) {
    Set<String> paused = store.pausedQueues();
    if (paused.isEmpty()) {
      return queues;
    }
    return queues.stream().filter(q -> !paused.contains(q)).toList();
  }

  private Optional<Reservation> tryReserve(String wid, List<String> queues) {
    while (true) {
      Instant now = clock.instant();
      Optional<Reservation> taken =
          reserver.reserve(
              queues, wid == null ? "" : wid, now, payload -> now.plus(ReserveTimeout.of(payload)));
      if (taken.isEmpty() || middleware.isEmpty() || accepted(taken.get())) {
        return taken;
      }
    }
  }

  private boolean accepted(Reservation r) {
    Job job = null;
    for (JobMiddleware m : middleware) {
      if (!m.inspects(r.options())) {
        continue;
      }
      if (job == null) {
        job = JobCodec.decode(r.payload());
      }
      JobMiddleware.FetchAction action;
      try {
        action = m.afterFetch(job);
      } catch (RuntimeException e) {
        discard(r); // halted: the popped job is gone, as in the reference
        throw e;
      }
      if (action == JobMiddleware.FetchAction.DISCARD) {
        discard(r);
        return false;
      }
    }
    return true;
  }

  /**
   * Finishes a job the middleware dropped without waiting for the commit: this may run on an event
   * loop, and nobody is told OK. Should the removal fail, the reservation stays and expires into a
   * retry like any other.
   */
  private void discard(Reservation r) {
    store.acknowledgeAsync(r.jid());
  }

  /** Quiet workers and all-paused fetches wait the full time so idle clients do not spin. */
  private static void idleUntil(long deadline) throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }
}
