package dev.fabrik.client.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The worker's own deadline for a job in progress: when the reservation runs out the job is FAILed
 * as expired. {@link #extendTo} moves it later when the handler extended the reservation on the
 * server, never earlier.
 */
final class ReservationTimer {
  private final ScheduledExecutorService timers;
  private final Clock clock;
  private final Function<Duration, Runnable> onExpiry;
  private ScheduledFuture<?> pending;
  private Instant startedAt;
  private Instant deadline;
  private boolean cancelled;

  /**
   * @param onExpiry what to run when the reservation runs out, given how long it was in all
   */
  ReservationTimer(
      ScheduledExecutorService timers, Clock clock, Function<Duration, Runnable> onExpiry) {
    this.timers = timers;
    this.clock = clock;
    this.onExpiry = onExpiry;
  }

  synchronized void start(Duration reserve) {
    startedAt = clock.instant();
    deadline = startedAt.plus(reserve);
    schedule(reserve);
  }

  /** Moves the deadline to {@code until} if that is later; a no-op once cancelled. */
  synchronized void extendTo(Instant until) {
    if (cancelled || deadline == null || !until.isAfter(deadline)) {
      return;
    }
    deadline = until;
    pending.cancel(false);
    schedule(Duration.between(clock.instant(), until));
  }

  synchronized void cancel() {
    cancelled = true;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void schedule(Duration delay) {
    Runnable expire = onExpiry.apply(Duration.between(startedAt, deadline));
    pending = timers.schedule(expire, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
  }
}
