package dev.fabrik.spring;

import dev.fabrik.client.worker.WorkerManager;
import java.time.Duration;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the worker once the context is refreshed (every handler bean exists and is registered) and
 * stops it when the context closes, Spring's SIGTERM hook included: fetching stops, jobs in flight
 * get the shutdown grace to finish, the rest are FAILed so the server retries them. Stopping is
 * synchronous and runs in the default phase, i.e. before the web server stops and before any bean
 * (the client pool, the application's services) is destroyed.
 */
final class FabrikWorkerLifecycle implements SmartLifecycle {
  private static final Log LOG = LogFactory.getLog(FabrikWorkerLifecycle.class);

  private final WorkerManager worker;
  private final Duration grace;
  private final boolean autoStartup;

  FabrikWorkerLifecycle(WorkerManager worker, Duration grace, boolean autoStartup) {
    this.worker = worker;
    this.grace = grace;
    this.autoStartup = autoStartup;
  }

  @Override
  public boolean isAutoStartup() {
    return autoStartup;
  }

  @Override
  public void start() {
    if (worker.isRunning()) {
      return; // started by hand before the context refreshed
    }
    worker.start();
    LOG.info("Fabrik worker " + worker.wid() + " started");
  }

  @Override
  public void stop() {
    if (!worker.isRunning()) {
      return;
    }
    LOG.info(
        "Fabrik worker "
            + worker.wid()
            + " stopping: "
            + worker.inFlight()
            + " job(s) in flight get up to "
            + grace.toSeconds()
            + " s to finish");
    worker.stop(grace);
    LOG.info("Fabrik worker " + worker.wid() + " stopped");
  }

  /**
   * True while the worker runs (or is quiet); false once it stopped, also by a remote terminate.
   */
  @Override
  public boolean isRunning() {
    return worker.isRunning();
  }
}
