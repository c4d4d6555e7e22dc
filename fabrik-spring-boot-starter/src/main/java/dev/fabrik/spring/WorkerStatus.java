package dev.fabrik.spring;

import dev.fabrik.client.worker.WorkerManager;

/**
 * Where the auto-configured worker is in its life, as its lifecycle callbacks reported it: the
 * health indicator and info contributor show it. Quiet is reached locally or when someone presses
 * "quiet" in the web UI; stopped also after the server's "terminate".
 */
public final class WorkerStatus {
  /** The worker's states, in the order they are reached. */
  public enum State {
    NEW,
    RUNNING,
    QUIET,
    STOPPED
  }

  private volatile State state = State.NEW;

  /** Registers the callbacks that keep this status current; call before {@code build()}. */
  void track(WorkerManager.Builder builder) {
    builder.onStartup(() -> state = State.RUNNING);
    builder.onQuiet(
        () -> {
          if (state != State.STOPPED) {
            state = State.QUIET;
          }
        });
    builder.onShutdown(() -> state = State.STOPPED);
  }

  public State state() {
    return state;
  }
}
