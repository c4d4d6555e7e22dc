package dev.fabrik.server.tracking;

import dev.fabrik.server.lifecycle.Service;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes tracking records past their retention, once a minute, on its own platform thread (store
 * work pins carriers). Reads already treat an expired record as unknown, so the period only bounds
 * how long the rows take space.
 *
 * <p>Every {@link #SETTLE_EVERY}th run first settles the records of jobs that vanished without an
 * outcome ({@link Tracker#settleVanished}); that pass reads every job table once (no store indexes
 * jobs by jid), which is why it does not run every minute.
 */
public final class TrackPurge implements Service {
  private static final Logger log = LoggerFactory.getLogger(TrackPurge.class);
  private static final int BATCH = 1000;

  /** Runs between two passes over vanished jobs: at most ten minutes late at the default period. */
  static final int SETTLE_EVERY = 10;

  private final Tracker tracker;
  private final Duration period;
  private ScheduledExecutorService executor;
  private boolean stopped;
  private int runs;

  public TrackPurge(Tracker tracker, Duration period) {
    this.tracker = tracker;
    this.period = period;
  }

  @Override
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException("the tracking purge was stopped; make a new one");
    }
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("fabrik-track-purge").daemon(true).factory());
    long ms = period.toMillis();
    executor.scheduleWithFixedDelay(this::purgeSafely, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Runs passes until one comes up short; returns how many records went. */
  int purgeAll() {
    return untilShort(tracker::purge);
  }

  /** Settles vanished jobs' records in passes until one comes up short; returns how many. */
  int settleAll() {
    return untilShort(tracker::settleVanished);
  }

  private static int untilShort(java.util.function.IntUnaryOperator pass) {
    int total = 0;
    int done;
    do {
      done = pass.applyAsInt(BATCH);
      total += done;
    } while (done >= BATCH);
    return total;
  }

  private void purgeSafely() {
    try {
      if (runs++ % SETTLE_EVERY == SETTLE_EVERY - 1) {
        settleAll();
      }
      purgeAll();
    } catch (RuntimeException e) {
      // An exception escaping would cancel every later run.
      log.warn("purging tracking records failed; trying again next period", e);
    }
  }

  @Override
  public void stop(Duration timeout) {
    ScheduledExecutorService e;
    synchronized (this) {
      stopped = true;
      e = executor;
      executor = null;
    }
    if (e == null) {
      return;
    }
    e.shutdownNow();
    try {
      e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }
}
