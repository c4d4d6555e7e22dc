package dev.fabrik.server.lifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass run on a platform thread of its own named {@code name} (storage work must not pin the
 * carriers of virtual threads): first {@code initialDelay} after start, then {@code period} after
 * the previous run ended. A pass that throws is logged and runs again next period. A stopped
 * service cannot start again.
 */
public final class PeriodicService implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicService.class);

  private final String name;
  private final Duration initialDelay;
  private final Duration period;
  private final Runnable pass;
  private ScheduledExecutorService executor;
  private boolean stopped;

  public PeriodicService(String name, Duration initialDelay, Duration period, Runnable pass) {
    if (period.isNegative() || period.isZero() || initialDelay.isNegative()) {
      throw new IllegalArgumentException(name + ": the period must be positive: " + period);
    }
    this.name = name;
    this.initialDelay = initialDelay;
    this.period = period;
    this.pass = pass;
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
    executor.scheduleWithFixedDelay(
        this::runSafely, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runSafely() {
    try {
      pass.run();
    } catch (RuntimeException e) {
      // An exception escaping would cancel every later run.
      LOG.warn("{} failed; it runs again in {}", name, period, e);
    }
  }

  /** Stops the runs and waits (up to {@code timeout}) for a running one to finish. */
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
      }
    } catch (InterruptedException ie) {
      e.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
