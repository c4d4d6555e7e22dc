package dev.fabrik.server.storage.postgres;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The paused queues as last read, so that a FETCH does not cost a query for them. The Manager asks
 * before every FETCH; at tens of thousands of FETCHes a second one {@code SELECT name FROM
 * fabrik.queues WHERE paused} each would double the database's work for a set that almost never
 * changes.
 *
 * <p>Staleness bound: this node's own pause/resume/remove/flush {@link #invalidate} the copy, so
 * they are seen by the very next FETCH here; a change made through another node is seen by this
 * node at most {@code maxAge} (1 s in the store) later, when the copy is re-read. Pausing a queue
 * through any node therefore stops every node's FETCHes from it within about a second.
 */
final class PgPausedCache {
  private final Supplier<Set<String>> read;
  private final LongSupplier nanoClock;
  private final long maxAgeNanos;

  /** The copy and the clock reading taken before the read that produced it. */
  private record Snapshot(Set<String> paused, long readAtNanos) {}

  private volatile Snapshot snapshot;

  /**
   * Bumped by {@link #invalidate}: a read that began before an invalidation must not store its
   * (possibly pre-change) result over it.
   */
  private final AtomicLong generation = new AtomicLong();

  PgPausedCache(Supplier<Set<String>> read, Duration maxAge, LongSupplier nanoClock) {
    this.read = read;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoClock = nanoClock;
  }

  Set<String> paused() {
    Snapshot s = snapshot;
    if (s != null && nanoClock.getAsLong() - s.readAtNanos() < maxAgeNanos) {
      return s.paused();
    }
    return refresh();
  }

  /**
   * Re-reads. The clock is read before the query: the copy's age is counted from a moment no later
   * than the data it holds. Concurrent refreshes may each query; the last to finish wins, and every
   * one of them is at least as fresh as the moment it began. A result is kept only when no
   * invalidation happened meanwhile.
   */
  private Set<String> refresh() {
    long gen = generation.get();
    long at = nanoClock.getAsLong();
    Set<String> fresh = read.get();
    synchronized (this) {
      if (generation.get() == gen) {
        snapshot = new Snapshot(fresh, at);
      }
    }
    return fresh;
  }

  /** Forgets the copy: the next call reads the database (after this node changed the flags). */
  void invalidate() {
    synchronized (this) {
      generation.incrementAndGet();
      snapshot = null;
    }
  }
}
