package dev.fabrik.client.worker;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** The registered listeners as one; each call is guarded so a throwing listener is only logged. */
final class JobListeners implements JobListener {
  private static final System.Logger LOG = System.getLogger(JobListeners.class.getName());

  private final List<JobListener> listeners;

  JobListeners(List<JobListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  boolean isEmpty() {
    return listeners.isEmpty();
  }

  @Override
  public void started(JobContext ctx) {
    each(l -> l.started(ctx));
  }

  @Override
  public void succeeded(JobContext ctx, Duration took) {
    each(l -> l.succeeded(ctx, took));
  }

  @Override
  public void failed(JobContext ctx, Throwable error, Duration took, FailureFate fate) {
    each(l -> l.failed(ctx, error, took, fate));
  }

  @Override
  public void snoozed(JobContext ctx, Duration delay, Duration took) {
    each(l -> l.snoozed(ctx, delay, took));
  }

  @Override
  public void fetched(Duration took, boolean found) {
    each(l -> l.fetched(took, found));
  }

  private void each(Consumer<JobListener> call) {
    for (JobListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "job listener " + l + " failed", e);
      }
    }
  }
}
