package dev.fabrik.server.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes run on one platform thread of its own named {@code name} (storage work must not pin the
 * carriers of virtual threads), each on its own {@link Pass timing}. A pass that throws is logged
 * and runs again next period. A stopped service cannot start again, even one stopped before it
 * started.
 */
public final class PeriodicService implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicService.class);

  /**
   * One pass: first {@code initialDelay} after start, then every {@code period}, counted from the
   * end of the previous run ({@link #afterEach}) or from its start ({@link #atRate}: evenly spaced
   * samples; a run that overruns makes the next one late, never concurrent).
   */
  public record Pass(
      String name, Duration initialDelay, Duration period, boolean fixedRate, Runnable body) {
    public Pass {
      if (period.isNegative() || period.isZero() || initialDelay.isNegative()) {
        throw new IllegalArgumentException(
            name + ": the period must be positive and the delay not negative: " + period);
      }
    }

    /** Runs {@code period} after the previous run ended. */
    public static Pass afterEach(
        String name, Duration initialDelay, Duration period, Runnable body) {
      return new Pass(name, initialDelay, period, false, body);
    }

    /** Runs every {@code period} from the first run's start. */
    public static Pass atRate(String name, Duration initialDelay, Duration period, Runnable body) {
      return new Pass(name, initialDelay, period, true, body);
    }
  }

  private final String name;
  private final List<Pass> passes;
  private ScheduledExecutorService executor;
  private boolean stopped;

  /** One pass, {@code period} after the previous run ended. */
  public PeriodicService(String name, Duration initialDelay, Duration period, Runnable pass) {
    this(name, List.of(Pass.afterEach(name, initialDelay, period, pass)));
  }

  /** Several passes sharing one thread: a run of one waits for a run of another to end. */
  public PeriodicService(String name, List<Pass> passes) {
    this.name = name;
    this.passes = List.copyOf(passes);
  }

  @Override
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException(name + " was stopped; make a new one");
    }
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name(name).daemon(true).factory());
    for (Pass p : passes) {
      long delay = p.initialDelay().toMillis();
      long period = p.period().toMillis();
      Runnable run = () -> runSafely(p);
      if (p.fixedRate()) {
        executor.scheduleAtFixedRate(run, delay, period, TimeUnit.MILLISECONDS);
      } else {
        executor.scheduleWithFixedDelay(run, delay, period, TimeUnit.MILLISECONDS);
      }
    }
  }

  private static void runSafely(Pass p) {
    try {
      p.body().run();
    } catch (RuntimeException e) {
      // An exception escaping would cancel every later run.
      LOG.warn("{} failed; it runs again in {}", p.name(), p.period(), e);
    }
  }

  /**
   * Stops the runs and waits (up to {@code timeout}) for a running one to finish; one still running
   * then is interrupted.
   */
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
    e.shutdown();
    try {
      if (!e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        e.shutdownNow();
        LOG.warn("{} did not finish within {}", name, timeout);
      }
    } catch (InterruptedException ie) {
      e.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
