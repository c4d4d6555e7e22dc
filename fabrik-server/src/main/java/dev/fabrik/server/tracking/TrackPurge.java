package dev.fabrik.server.tracking;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.Service;
import java.time.Duration;

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
  private static final int BATCH = 1000;

  /** Runs between two passes over vanished jobs: at most ten minutes late at the default period. */
  static final int SETTLE_EVERY = 10;

  private final Tracker tracker;
  private final PeriodicService runs;
  private int passes; // only the service's thread counts

  public TrackPurge(Tracker tracker, Duration period) {
    this.tracker = tracker;
    this.runs = new PeriodicService("fabrik-track-purge", period, period, this::pass);
  }

  @Override
  public void start() {
    runs.start();
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

  /** One scheduled run; {@link PeriodicService} logs what it throws and runs it again. */
  private void pass() {
    if (passes++ % SETTLE_EVERY == SETTLE_EVERY - 1) {
      settleAll();
    }
    purgeAll();
  }

  @Override
  public void stop(Duration timeout) {
    runs.stop(timeout);
  }
}
