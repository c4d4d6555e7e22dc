package dev.fabrik.server.tracking;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.Service;
import java.time.Duration;

/**
 * Deletes tracking records past their retention, once a minute, on its own platform thread (store
 * work pins carriers). Reads already treat an expired record as unknown, so the period only bounds
 * how long the rows take space.
 */
public final class TrackPurge implements Service {
  private static final int BATCH = 1000;

  private final Tracker tracker;
  private final PeriodicService runs;

  public TrackPurge(Tracker tracker, Duration period) {
    this.tracker = tracker;
    this.runs = new PeriodicService("fabrik-track-purge", period, period, this::purgeAll);
  }

  @Override
  public void start() {
    runs.start();
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

  @Override
  public void stop(Duration timeout) {
    runs.stop(timeout);
  }
}
