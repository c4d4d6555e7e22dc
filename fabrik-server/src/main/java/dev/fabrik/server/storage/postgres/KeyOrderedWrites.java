package dev.fabrik.server.storage.postgres;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs writes off the caller's thread, each after every earlier write that shares a key with it,
 * and writes on unrelated keys side by side. The feature stores return stages from their writes but
 * promise call order ("a release called before a push of the same key lands first", "a tracking
 * state reported by the ACK never lands before the one of the FETCH"): one write behind another
 * keeps that promise, one connection for all of them would make every tracked job wait for every
 * other one.
 *
 * <p>Keys hash onto a fixed number of lanes; each lane remembers the stage of the last write
 * submitted on it. A write waits for the lanes of all its keys, then becomes their last write. This
 * orders the calls of ONE node only; what several nodes do to one row is decided by the row's
 * upsert or compare-and-set in PostgreSQL, never here.
 */
final class KeyOrderedWrites {
  private final Executor executor;
  // Each a stage that never completes exceptionally, so one failed write does not fail the next.
  private final CompletableFuture<?>[] lastOnLane;

  /** How many writes on distinct keys a store runs at once unless told otherwise. */
  static final int DEFAULT_LANES = 256;

  /**
   * {@link #DEFAULT_LANES} lanes, each write on a virtual thread of its own named {@code name-N}.
   */
  static KeyOrderedWrites onVirtualThreads(String name) {
    return new KeyOrderedWrites(
        DEFAULT_LANES,
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory()));
  }

  /**
   * @param lanes how many writes on distinct keys may run at once (more is pointless beyond the
   *     connection pool's size)
   * @param executor where the writes run (they block on JDBC)
   */
  KeyOrderedWrites(int lanes, Executor executor) {
    this.executor = executor;
    this.lastOnLane = new CompletableFuture<?>[lanes];
    Arrays.fill(lastOnLane, CompletableFuture.completedFuture(null));
  }

  /** Runs {@code write} once the earlier writes on its keys are done (an empty list: at once). */
  <T> CompletableFuture<T> submit(Collection<String> keys, Supplier<T> write) {
    return chain(keys, before -> before.thenApplyAsync(v -> write.get(), executor));
  }

  /**
   * Starts {@code write} once the earlier writes on its keys are done, and counts it done when the
   * stage it returns completes: for a write handed on to a group commit. {@code write} must not
   * block (it may run on the thread that completed the previous write).
   */
  <T> CompletableFuture<T> submitAsync(
      Collection<String> keys, Supplier<CompletableFuture<T>> write) {
    return chain(keys, before -> before.thenCompose(v -> write.get()));
  }

  private <T> CompletableFuture<T> chain(
      Collection<String> keys, Function<CompletableFuture<Void>, CompletableFuture<T>> then) {
    int[] lanes = lanesOf(keys);
    synchronized (lastOnLane) {
      CompletableFuture<T> result = then.apply(after(lanes));
      CompletableFuture<Void> settled = result.handle((r, e) -> null);
      for (int lane : lanes) {
        lastOnLane[lane] = settled;
      }
      return result;
    }
  }

  /** Completes once every write submitted so far on these keys is done (failed ones included). */
  CompletableFuture<Void> drained(Collection<String> keys) {
    int[] lanes = lanesOf(keys);
    synchronized (lastOnLane) {
      return after(lanes);
    }
  }

  /** Completes once every write submitted so far is done. */
  CompletableFuture<Void> drainedAll() {
    synchronized (lastOnLane) {
      return CompletableFuture.allOf(lastOnLane);
    }
  }

  /** Waits for {@link #drained} (reads call this first, to see the writes called before them). */
  void awaitDrained(Collection<String> keys) {
    drained(keys).join();
  }

  private CompletableFuture<Void> after(int[] lanes) {
    CompletableFuture<?>[] before = new CompletableFuture<?>[lanes.length];
    for (int i = 0; i < lanes.length; i++) {
      before[i] = lastOnLane[lanes[i]];
    }
    return CompletableFuture.allOf(before);
  }

  private int[] lanesOf(Collection<String> keys) {
    return keys.stream()
        .mapToInt(k -> Math.floorMod(spread(k.hashCode()), lastOnLane.length))
        .distinct()
        .toArray();
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}
