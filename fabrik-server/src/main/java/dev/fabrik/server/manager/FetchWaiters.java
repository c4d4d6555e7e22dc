package dev.fabrik.server.manager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * FETCHes blocked on empty queues, by queue, oldest first. An enqueue of {@code count} jobs into a
 * queue wakes at most {@code count} of its waiters (no thundering herd). A waiter registered on
 * several queues is woken once, by whichever gets a job first.
 *
 * <p>No lost wake-ups: a fetcher {@link #register registers}, then looks at the store again, then
 * {@link #await awaits}. A job enqueued after the look signals the registered waiter; the signal is
 * a flag, so it is seen even if it lands before the fetcher parks. Waiters park with {@link
 * LockSupport}, which does not pin virtual threads.
 *
 * <p>A worker that goes quiet is {@link #release released}: its waiters wake with no queue, and
 * their FETCHes return empty instead of taking a job that arrives later.
 */
final class FetchWaiters {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, LinkedHashSet<Waiter>> byQueue = new HashMap<>();

  /** What {@link Waiter#wokenBy} says after {@link #release}: no queue, the worker is done. */
  static final String RELEASED = "\0released";

  /** One blocked FETCH. */
  static final class Waiter {
    private final Thread thread = Thread.currentThread();
    private final String wid;
    private final List<String> queues;
    private volatile String wokenBy;

    private Waiter(String wid, List<String> queues) {
      this.wid = wid;
      this.queues = queues;
    }

    /** The queue whose enqueue woke this waiter, {@link #RELEASED}, or null. */
    String wokenBy() {
      return wokenBy;
    }
  }

  /** Registers the calling thread as waiting on {@code queues} for worker {@code wid}. */
  Waiter register(String wid, List<String> queues) {
    Waiter w = new Waiter(wid == null ? "" : wid, List.copyOf(queues));
    lock.lock();
    try {
      for (String q : w.queues) {
        byQueue.computeIfAbsent(q, k -> new LinkedHashSet<>()).add(w);
      }
    } finally {
      lock.unlock();
    }
    return w;
  }

  /** Removes a waiter that is done (got a job, timed out, was interrupted); idempotent. */
  void unregister(Waiter w) {
    lock.lock();
    try {
      removeLocked(w);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Parks until woken or {@code nanos} pass.
   *
   * @return true when woken by an enqueue
   * @throws InterruptedException the thread was interrupted (the waiter is then unregistered)
   */
  boolean await(Waiter w, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    while (w.wokenBy == null) {
      if (Thread.interrupted()) {
        unregister(w);
        throw new InterruptedException();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        unregister(w);
        return w.wokenBy != null;
      }
      LockSupport.parkNanos(this, left);
    }
    return true;
  }

  /** {@code count} jobs became fetchable in {@code queue}: wakes up to that many of its waiters. */
  void wake(String queue, int count) {
    List<Waiter> woken = new ArrayList<>(Math.min(count, 16));
    lock.lock();
    try {
      LinkedHashSet<Waiter> waiting = byQueue.get(queue);
      while (waiting != null && !waiting.isEmpty() && woken.size() < count) {
        Waiter w = waiting.getFirst();
        w.wokenBy = queue;
        removeLocked(w);
        woken.add(w);
        waiting = byQueue.get(queue);
      }
    } finally {
      lock.unlock();
    }
    for (Waiter w : woken) {
      LockSupport.unpark(w.thread);
    }
  }

  /**
   * Wakes every waiter of worker {@code wid} with {@link #RELEASED}. Rare (an operator or a BEAT
   * quiets a process), so it looks through all waiters rather than keeping an index by wid.
   */
  void release(String wid) {
    if (wid == null || wid.isEmpty()) {
      return;
    }
    List<Waiter> woken = new ArrayList<>();
    lock.lock();
    try {
      for (LinkedHashSet<Waiter> waiting : byQueue.values()) {
        for (Waiter w : waiting) {
          if (w.wid.equals(wid) && w.wokenBy == null) {
            w.wokenBy = RELEASED;
            woken.add(w);
          }
        }
      }
      woken.forEach(this::removeLocked);
    } finally {
      lock.unlock();
    }
    for (Waiter w : woken) {
      LockSupport.unpark(w.thread);
    }
  }

  /** How many fetches are waiting on {@code queue} (tests, metrics). */
  int waiting(String queue) {
    lock.lock();
    try {
      LinkedHashSet<Waiter> waiting = byQueue.get(queue);
      return waiting == null ? 0 : waiting.size();
    } finally {
      lock.unlock();
    }
  }

  private void removeLocked(Waiter w) {
    for (String q : w.queues) {
      LinkedHashSet<Waiter> set = byQueue.get(q);
      if (set != null && set.remove(w) && set.isEmpty()) {
        byQueue.remove(q);
      }
    }
  }
}
