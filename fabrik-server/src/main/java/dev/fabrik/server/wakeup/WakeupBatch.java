package dev.fabrik.server.wakeup;

import java.util.Arrays;

/**
 * Wake-ups asked for while a store thread completes a batch of commands, sent once per target when
 * the batch's completions have all run. An ACK batch of 20 jobs completes 20 futures on the store's
 * writer thread, and each pipelining connection then hands its next command to its event loop; a
 * wake-up per connection made the writer call into the selector 20 times (a system call and a lock
 * the loop also takes), where one per loop does. No reply waits longer than the batch's own
 * completions take: the wake-ups leave as soon as they have run, also when one of them throws.
 *
 * <pre>
 * store thread:  WakeupBatch.run(() -> futures.forEach(f -> f.complete(...)))
 * event loop:    void wakeup() { if (!WakeupBatch.deferred(this)) wakeNow(); }
 * </pre>
 *
 * <p>Outside a batch, and on any thread but the batch's own, a wake-up is sent at once.
 */
public final class WakeupBatch {

  /** What a batch wakes: an event loop. */
  public interface Target {
    /** Sends the wake-up now. */
    void wakeNow();
  }

  private static final ScopedValue<WakeupBatch> CURRENT = ScopedValue.newInstance();

  /** The targets to wake, each once: few (one per event loop), so a list beats a set. */
  private Target[] targets = new Target[4];

  private int count;

  private WakeupBatch() {}

  /** Runs {@code completions}; the wake-ups they ask for are sent once each, when they end. */
  public static void run(Runnable completions) {
    WakeupBatch batch = new WakeupBatch();
    try {
      ScopedValue.where(CURRENT, batch).run(completions);
    } finally {
      batch.wakeAll();
    }
  }

  /**
   * Takes {@code target}'s wake-up for the batch running on this thread.
   *
   * @return false when no batch runs here: the caller wakes {@code target} itself, now
   */
  public static boolean deferred(Target target) {
    if (!CURRENT.isBound()) {
      return false;
    }
    CURRENT.get().add(target);
    return true;
  }

  private void add(Target target) {
    for (int i = 0; i < count; i++) {
      if (targets[i] == target) {
        return;
      }
    }
    if (count == targets.length) {
      targets = Arrays.copyOf(targets, count * 2);
    }
    targets[count++] = target;
  }

  private void wakeAll() {
    for (int i = 0; i < count; i++) {
      targets[i].wakeNow();
    }
  }
}
