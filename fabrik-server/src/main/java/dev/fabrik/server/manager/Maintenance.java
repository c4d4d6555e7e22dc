package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.unique.UniqueJobs;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The job rules that run on a timer rather than on a command ({@code scheduler.PeriodicTasks} calls
 * them): due scheduled jobs and retries go to their queues, reservations past their deadline fail
 * as {@code ReservationExpired}, the dead set is purged and trimmed, expired unique locks and
 * silent workers are forgotten. Each pass moves {@link #BATCH} entries per store call and loops
 * until a call comes up short; each returns how many it handled and records its count and time for
 * INFO's task stats. Every pass is safe on several nodes at once: the store decides each race.
 */
public final class Maintenance {
  /** Entries moved per store call; a pass loops until a call comes up short. */
  static final int BATCH = 1000;

  private final Store store;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final ManagerSettings settings;
  private final RetryPolicy retryPolicy;
  private final List<JobMiddleware> middleware;
  private final List<OutcomeListener> outcomes;
  private final TaskStatsRecorder tasks;
  private final UniqueJobs unique;

  /** With the manager's live lists of hooks and listeners (hooks added later count too). */
  Maintenance(
      Store store,
      WorkerRegistry workers,
      Clock clock,
      ManagerSettings settings,
      RetryPolicy retryPolicy,
      List<JobMiddleware> middleware,
      List<OutcomeListener> outcomes,
      TaskStatsRecorder tasks,
      UniqueJobs unique) {
    this.store = store;
    this.workers = workers;
    this.clock = clock;
    this.settings = settings;
    this.retryPolicy = retryPolicy;
    this.middleware = middleware;
    this.outcomes = outcomes;
    this.tasks = tasks;
    this.unique = unique;
  }

  /** Moves due scheduled jobs to their queues; returns how many. */
  public int enqueueScheduled() {
    return timed(TaskStatsRecorder.SCHEDULED, () -> enqueueDue(SetName.SCHEDULED));
  }

  /** Moves due retries to their queues; returns how many. */
  public int enqueueRetries() {
    return timed(TaskStatsRecorder.RETRIES, () -> enqueueDue(SetName.RETRIES));
  }

  private int enqueueDue(SetName set) {
    Instant now = clock.instant();
    String stamp = Timestamps.format(now);
    int total = 0;
    int moved;
    do {
      moved = store.enqueueDue(set, now, BATCH, payload -> restamp(payload, stamp));
      total += moved;
    } while (moved >= BATCH);
    return total;
  }

  /** The payload to enqueue, or null to drop the job (a hook said so: it expired). */
  private byte[] restamp(byte[] payload, String enqueuedAt) {
    try {
      Job job = JobCodec.decode(payload);
      for (JobMiddleware m : middleware) {
        if (m.dropWhenDue(job)) {
          return null;
        }
      }
      return JobCodec.encode(job.withEnqueuedAt(enqueuedAt));
    } catch (JobFormatException e) {
      return payload;
    }
  }

  /** Drops dead jobs past their TTL or beyond the size cap; returns how many. */
  public int purgeDead() {
    return timed(
        TaskStatsRecorder.DEAD,
        () -> {
          Instant now = clock.instant();
          int total = 0;
          int purged;
          do {
            purged = store.purgeDue(SetName.DEAD, now, BATCH);
            total += purged;
          } while (purged >= BATCH);
          return total + store.trim(SetName.DEAD, settings.deadMaxSize());
        });
  }

  /** Deletes unique locks past their TTL; returns how many. */
  public int purgeUniqueLocks() {
    return unique.purgeExpired(clock.instant(), BATCH);
  }

  /** Fails every reservation past its deadline ({@code ReservationExpired}); returns how many. */
  public int reapReservations() {
    return timed(
        TaskStatsRecorder.BUSY,
        () -> {
          Instant now = clock.instant();
          FailureDecision expired = retryPolicy.decision(FailureReports.EXPIRED, now);
          int total = 0;
          while (true) {
            List<Reservation> due = store.expiredReservations(now, BATCH);
            int failed = 0;
            for (Reservation r : due) {
              DecisionTaken decided = new DecisionTaken(expired);
              Optional<Reservation> gone = store.fail(r.jid(), decided);
              if (gone.isPresent()) {
                failed++;
                for (OutcomeListener l : outcomes) {
                  l.failed(gone.get(), true, decided.outcome);
                }
              }
            }
            total += failed;
            // A short page is the last; a page where nothing could be failed would repeat forever.
            if (due.size() < BATCH || failed == 0) {
              return total;
            }
          }
        });
  }

  /** Forgets workers silent for longer than {@code ttl} and closes their connections. */
  public int reapWorkers(Duration ttl) {
    return timed(TaskStatsRecorder.WORKERS, () -> workers.reap(ttl));
  }

  private int timed(String task, IntSupplier work) {
    long start = System.nanoTime();
    int moved = work.getAsInt();
    tasks.record(task, moved, System.nanoTime() - start);
    return moved;
  }
}
