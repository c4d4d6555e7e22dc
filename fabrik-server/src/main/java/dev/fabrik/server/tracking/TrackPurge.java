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
 */
public final class TrackPurge implements Service {
  private static final Logger log = LoggerFactory.getLogger(TrackPurge.class);
  private static final int BATCH = 1000;

  private final Tracker tracker;
  private final Duration period;
  private ScheduledExecutorService executor;
  private boolean stopped;

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
    int total = 0;
    int purged;
    do {
      purged = tracker.purge(BATCH);
      total += purged;
    } while (purged >= BATCH);
    return total;
  }

  private void purgeSafely() {
    try {
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
