package dev.fabrik.cli.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the threads of one phase achieved: completed jobs and errors (the first one kept). */
final class Tally {
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();

  void done(long n) {
    done.addAndGet(n);
  }

  void error(String message) {
    errors.incrementAndGet();
    firstError.compareAndSet(null, message);
  }

  void errors(long n, String message) {
    if (n > 0) {
      errors.addAndGet(n - 1);
      error(message);
    }
  }

  long done() {
    return done.get();
  }

  long errors() {
    return errors.get();
  }

  PhaseResult result(Phase phase, Duration elapsed, Samples.Latency latency) {
    return new PhaseResult(
        phase, done.get(), elapsed, errors.get(), firstError.get(), latency, -1, null);
  }
}
