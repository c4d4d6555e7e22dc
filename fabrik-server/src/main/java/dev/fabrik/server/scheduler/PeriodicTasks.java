package dev.fabrik.server.scheduler;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.PeriodicService.Pass;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.manager.Maintenance;
import dev.fabrik.server.storage.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's background passes ({@link Maintenance}), on one {@link PeriodicService} thread: due
 * scheduled jobs and retries every second (Faktory scans every 5 s; a job scheduled {@code at} T
 * starts within about a second of T here), expired reservations every 5 s, dead-set purge every
 * minute, silent workers every 15 s. A pass that throws is logged and runs again next period.
 *
 * <p>Every node of a cluster (several servers on one PostgreSQL) runs all of these passes, with no
 * leader: each is safe because the store decides every race in one atomic statement, never a lock
 * in this process. Due scheduled jobs and retries: {@code Store.enqueueDue} moves a batch in one
 * transaction whose rows are claimed {@code FOR UPDATE SKIP LOCKED}, so two nodes take disjoint
 * rows. Expired reservations: each is failed by {@code Store.fail}, a delete of the reservation
 * that only one caller can win (the loser gets empty and counts nothing). Dead purge and trim,
 * unique-lock and tracking purges: plain deletes, which delete a row once whoever runs them. Cron
 * (its own service): a compare-and-set of the entry's last tick with the tick's job in one
 * transaction. Silent workers: each node closes its own connections; shared worker records are
 * deleted by one statement. {@code ThreeNodePeriodicWorkTest} races each pass on three nodes.
 */
public final class PeriodicTasks implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicTasks.class);

  /**
   * How often each pass runs.
   *
   * @param enqueue scheduled jobs and retries that are due
   * @param reapReservations fail reservations past their deadline
   * @param purgeDead drop expired dead jobs and trim the dead set
   * @param reapWorkers forget workers silent for longer than {@code workerTtl}
   * @param workerTtl how long a worker may stay silent
   */
  public record Settings(
      Duration enqueue,
      Duration reapReservations,
      Duration purgeDead,
      Duration reapWorkers,
      Duration workerTtl) {

    public Settings {
      for (Duration d : List.of(enqueue, reapReservations, purgeDead, reapWorkers)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("task periods must be positive: " + d);
        }
      }
      Objects.requireNonNull(workerTtl, "workerTtl");
    }

    /** 1 s, 5 s, 60 s, 15 s, with the given worker TTL. */
    public static Settings defaults(Duration workerTtl) {
      return new Settings(
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          Duration.ofSeconds(15),
          workerTtl);
    }
  }

  /** One named pass and its period. */
  record Task(String name, Duration period, Runnable body) {}

  private final PeriodicService runs;
  private boolean started; // guarded by this: a stop before any start leaves it startable

  public PeriodicTasks(Maintenance maintenance, Settings settings) {
    this(
        List.of(
            new Task(
                "enqueue",
                settings.enqueue(),
                () -> {
                  maintenance.enqueueScheduled();
                  maintenance.enqueueRetries();
                }),
            new Task("reservations", settings.reapReservations(), maintenance::reapReservations),
            new Task("dead", settings.purgeDead(), maintenance::purgeDead),
            new Task("unique-locks", settings.purgeDead(), maintenance::purgeUniqueLocks),
            new Task(
                "workers",
                settings.reapWorkers(),
                () -> maintenance.reapWorkers(settings.workerTtl()))));
  }

  PeriodicTasks(List<Task> tasks) {
    this.runs =
        new PeriodicService(
            "fabrik-periodic",
            tasks.stream()
                .map(t -> Pass.afterEach(t.name(), t.period(), t.period(), () -> runSafely(t)))
                .toList());
  }

  @Override
  public synchronized void start() {
    started = true;
    runs.start();
  }

  private static void runSafely(Task t) {
    try {
      t.body().run();
    } catch (StorageException e) {
      // Logged by the store, once per interval: a full disk fails this pass every second.
      LOG.debug("periodic task {} failed in storage; it runs again next period", t.name(), e);
    } catch (RuntimeException | Error e) {
      // An exception escaping would cancel every later run of this task.
      LOG.error("periodic task {} failed; it runs again next period", t.name(), e);
    }
  }

  /** Stops the passes and waits (up to {@code timeout}) for a running one to finish. */
  @Override
  public void stop(Duration timeout) {
    synchronized (this) {
      if (!started) {
        return; // never started: it still may be
      }
    }
    runs.stop(timeout);
  }
}
