package dev.fabrik.spring;

import dev.fabrik.client.worker.WorkerManager;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the worker once the context is refreshed (every handler bean exists and is registered) and
 * stops it when the context closes, Spring's SIGTERM hook included: fetching stops, jobs in flight
 * get the shutdown grace to finish, the rest are FAILed so the server retries them. Stopping is
 * synchronous and runs in the default phase, i.e. before the web server stops and before any bean
 * (the client pool, the application's services) is destroyed.
 */
final class FabrikWorkerLifecycle implements SmartLifecycle {
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
  }

  @Override
  public void stop() {
    worker.stop(grace);
  }

  /**
   * True while the worker runs (or is quiet); false once it stopped, also by a remote terminate.
   */
  @Override
  public boolean isRunning() {
    return worker.isRunning();
  }
}
