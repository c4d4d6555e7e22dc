package dev.fabrik.server.web.console;

import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.manager.JobStats;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workers.WorkerRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * What the web UI and the JSON API show and do, in one place, so both take the same code paths:
 * typed records in, typed records out, no HTTP. Errors are {@link ConsoleException}s.
 *
 * <pre>{@code
 * Overview o = console.overview();
 * QueueJobs page = console.queues().jobs("default", 0, 25);
 * SetListing dead = console.sets().page(SetName.DEAD, SetFilter.ALL, null, 25);
 * console.sets().act(SetName.DEAD, SetAction.RETRY, List.of(dead.rows().getFirst().key()));
 * }</pre>
 */
public final class Console {
  private final Store store;
  private final Manager manager;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final IntSupplier connections;
  private final Instant startedAt;
  private final StatsHistory history;
  private final QueueConsole queues;
  private final BusyConsole busy;
  private final SetConsole sets;
  private final JobSearch jobs;

  /**
   * @param connections handshaken client connections right now
   * @param history the sampler behind the live graph (its lifecycle is the server's)
   */
  public Console(
      Store store,
      Manager manager,
      WorkerRegistry workers,
      Clock clock,
      IntSupplier connections,
      StatsHistory history) {
    this.store = store;
    this.manager = manager;
    this.workers = workers;
    this.clock = clock;
    this.connections = connections;
    this.startedAt = clock.instant();
    this.history = history;
    this.queues = new QueueConsole(store, manager);
    this.busy = new BusyConsole(store, workers, clock);
    this.sets = new SetConsole(store, manager);
    this.jobs = new JobSearch(store);
  }

  /** The dashboard's numbers. */
  public Overview overview() {
    Instant now = clock.instant();
    JobStats stats = manager.stats();
    Duration uptime = Duration.between(startedAt, now);
    return new Overview(
        now,
        InfoReport.FABRIK_VERSION,
        InfoReport.FAKTORY_VERSION,
        uptime.isNegative() ? Duration.ZERO : uptime,
        stats.totalProcessed(),
        stats.totalFailures(),
        queues.list(),
        connections.getAsInt(),
        workers.size(),
        stats.working(),
        stats.retries(),
        stats.scheduled(),
        stats.dead(),
        store.sizeOnDisk());
  }

  /** The live graph's last minutes of processed/failed rates. */
  public StatsSeries statsHistory() {
    return history.series();
  }

  public QueueConsole queues() {
    return queues;
  }

  public BusyConsole busy() {
    return busy;
  }

  /** Find by jid across queues, workers and sets. */
  public JobSearch jobs() {
    return jobs;
  }

  public SetConsole sets() {
    return sets;
  }

  /** The tracked progress of a job shown on its page, or null when it is not tracked. */
  public JobProgress progress(JobDetail job) {
    return JobProgress.of(
        store.tracking(),
        job.jid(),
        job.payload().getBytes(StandardCharsets.UTF_8),
        clock.instant());
  }
}
