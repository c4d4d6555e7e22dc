package dev.fabrik.client.worker;

import dev.fabrik.protocol.Job;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One concurrency slot: FETCH, perform, ACK or FAIL, on its own connection, until the worker stops
 * fetching. A job already fetched is always performed (or FAILed on a hard stop), never dropped.
 */
final class Processor implements Runnable {
  private static final System.Logger LOG = System.getLogger(Processor.class.getName());

  /** Faktory's default reservation when a job names none. */
  static final Duration DEFAULT_RESERVE = Duration.ofSeconds(1800);

  private final ServerLink link;
  private final Queues queues;
  private final HandlerRegistry registry;
  private final Consumer<Job> pusher;
  private final InFlight inFlight;
  private final Reporter reporter;
  private final ServerLink controlLink;
  private final ScheduledExecutorService timers;
  private final BooleanSupplier fetching;
  private final JobListeners listeners;

  Processor(
      ServerLink link,
      Queues queues,
      HandlerRegistry registry,
      Consumer<Job> pusher,
      InFlight inFlight,
      Reporter reporter,
      ServerLink controlLink,
      ScheduledExecutorService timers,
      BooleanSupplier fetching,
      JobListeners listeners) {
    this.link = link;
    this.queues = queues;
    this.registry = registry;
    this.pusher = pusher;
    this.inFlight = inFlight;
    this.reporter = reporter;
    this.controlLink = controlLink;
    this.timers = timers;
    this.fetching = fetching;
    this.listeners = listeners;
  }

  @Override
  public void run() {
    long backoffMillis = 100;
    while (fetching.getAsBoolean()) {
      Job job;
      try {
        long asked = System.nanoTime();
        job = link.fetch(queues.nextOrder(ThreadLocalRandom.current()));
        if (!listeners.isEmpty()) {
          listeners.fetched(Duration.ofNanos(System.nanoTime() - asked), job != null);
        }
        backoffMillis = 100;
      } catch (RuntimeException e) {
        // Server down or restarting: keep trying while the worker runs, at most every 5 s.
        LOG.log(System.Logger.Level.WARNING, "FETCH failed: " + e.getMessage());
        if (!Reporter.pause(backoffMillis)) {
          Thread.interrupted();
        }
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
        continue;
      }
      if (job != null) {
        perform(job);
      }
    }
    link.close();
  }

  void perform(Job job) {
    Execution exec = inFlight.begin(job);
    if (exec == null) {
      reporter.fail(link, job, JobTimeoutException.shutdown());
      return;
    }
    ReservationTimer timeout =
        new ReservationTimer(
            timers,
            Clock.systemUTC(),
            lasted -> () -> expire(exec, JobTimeoutException.reserveExpired(lasted)));
    timeout.start(reserveFor(job));
    JobContext ctx = JobContext.of(job, pusher, tracking(timeout), Clock.systemUTC());
    listeners.started(ctx);
    long began = System.nanoTime();
    Throwable error = null;
    try {
      registry.perform(ctx);
    } catch (Throwable t) {
      error = t;
    } finally {
      timeout.cancel();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    boolean mine = exec.claim();
    Thread.interrupted(); // a handler's own interrupt, or the expiring side's (which then owns it)
    if (mine) {
      if (error == null) {
        listeners.succeeded(ctx, took);
        reporter.ack(link, job);
      } else if (error instanceof SnoozeException snooze) {
        listeners.snoozed(ctx, snooze.delay(), took);
        reporter.snooze(link, job, snooze.delay());
      } else {
        listeners.failed(ctx, error, took, FailureFate.of(job));
        reporter.fail(link, job, error);
      }
    } else {
      listeners.failed(ctx, exec.reason(), took, FailureFate.of(job));
    }
    inFlight.end(exec);
    if (error instanceof VirtualMachineError vmError) {
      throw vmError;
    }
  }

  /**
   * Progress and reservation extensions go over this processor's own connection (idle while the job
   * runs); an extension the server accepted moves the local deadline too.
   */
  private JobContext.Tracking tracking(ReservationTimer timeout) {
    return new JobContext.Tracking() {
      @Override
      public void progress(String jid, int percent, String description) {
        link.trackProgress(jid, percent, description);
      }

      @Override
      public void extendReservation(String jid, Instant until) {
        link.extendReservation(jid, until);
        timeout.extendTo(until);
      }
    };
  }

  /** FAILs a job that outlived its reservation or the shutdown grace period, unless it finished. */
  void expire(Execution exec, RuntimeException reason) {
    if (exec.claimAndInterrupt(reason)) {
      reporter.fail(controlLink, exec.job(), reason);
    }
  }

  static Duration reserveFor(Job job) {
    Integer seconds = job.reserveFor();
    return seconds == null || seconds <= 0 ? DEFAULT_RESERVE : Duration.ofSeconds(seconds);
  }
}
