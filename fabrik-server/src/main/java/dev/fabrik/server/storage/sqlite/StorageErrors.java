package dev.fabrik.server.storage.sqlite;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the store's failures so that a full disk cannot fill the log too: one line when a kind of
 * failure starts (with its cause), then at most one line per interval with how many more there
 * were, and one line once that kind has worked for a whole interval without failing (a disk that is
 * nearly full lets small writes through while large ones fail: that is still one run). Every failed
 * write still reaches its caller as a {@link dev.fabrik.server.storage.StorageException} (the
 * client gets {@code -ERR}); this is only the operator's view. On a full disk:
 *
 * <pre>
 * ERROR SQLite write failing: [SQLITE_FULL] Insertion failed because database is full (database or disk is full); further failures are counted, one line per 60 s
 * ERROR SQLite write failed 1214 more times in 60 s; last: [SQLITE_FULL] ...
 * INFO  SQLite write works again: no failure for 60 s after 1388 failures in 74 s
 * </pre>
 *
 * The stack trace of the first failure of each run goes to DEBUG. Thread-safe; {@link #succeeded}
 * costs one volatile read while nothing fails (it runs after every commit).
 */
final class StorageErrors {

  static final Duration INTERVAL = Duration.ofSeconds(60);

  private static final Logger DEFAULT_LOG = LoggerFactory.getLogger(StorageErrors.class);

  private final Logger log;
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final Map<String, Run> failing = new HashMap<>();
  private volatile boolean anyFailing;

  /** One uninterrupted run of failures of one kind. */
  private static final class Run {
    final long startedAt;
    long lineAt;
    long lastAt;
    long total = 1;
    long unreported;
    String lastCause;

    Run(long now, String cause) {
      startedAt = now;
      lineAt = now;
      lastAt = now;
      lastCause = cause;
    }
  }

  StorageErrors() {
    this(DEFAULT_LOG, System::nanoTime, INTERVAL);
  }

  StorageErrors(Logger log, LongSupplier nanoClock, Duration interval) {
    this.log = log;
    this.nanoClock = nanoClock;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * A {@code kind} of work failed (e.g. "SQLite write", "WAL checkpoint").
   *
   * @param cause what went wrong; its message chain is logged, its trace only at DEBUG
   */
  void failed(String kind, Throwable cause) {
    String why = describe(cause);
    long now = nanoClock.getAsLong();
    synchronized (this) {
      Run run = failing.get(kind);
      if (run == null) {
        failing.put(kind, new Run(now, why));
        anyFailing = true;
        log.error(
            "{} failing: {}; further failures are counted, one line per {} s",
            kind,
            why,
            intervalNanos / 1_000_000_000L);
        log.debug("{} failure", kind, cause);
        return;
      }
      run.total++;
      run.unreported++;
      run.lastAt = now;
      run.lastCause = why;
      if (now - run.lineAt >= intervalNanos) {
        log.error(
            "{} failed {} more times in {} s; last: {}",
            kind,
            run.unreported,
            seconds(now - run.lineAt),
            why);
        run.unreported = 0;
        run.lineAt = now;
      }
    }
  }

  /**
   * {@code kind} worked; ends its run of failures with one line once the last failure is an
   * interval old.
   */
  void succeeded(String kind) {
    if (!anyFailing) {
      return;
    }
    long now = nanoClock.getAsLong();
    synchronized (this) {
      Run run = failing.get(kind);
      if (run == null || now - run.lastAt < intervalNanos) {
        return;
      }
      failing.remove(kind);
      anyFailing = !failing.isEmpty();
      log.info(
          "{} works again: no failure for {} s after {} failures in {} s",
          kind,
          seconds(now - run.lastAt),
          run.total,
          seconds(run.lastAt - run.startedAt));
    }
  }

  /** Logs the failures counted since the last line (the store is closing). */
  synchronized void flush() {
    long now = nanoClock.getAsLong();
    for (Map.Entry<String, Run> e : failing.entrySet()) {
      Run run = e.getValue();
      if (run.unreported > 0) {
        log.error(
            "{} failed {} more times in {} s; last: {}",
            e.getKey(),
            run.unreported,
            seconds(now - run.lineAt),
            run.lastCause);
        run.unreported = 0;
        run.lineAt = now;
      }
    }
  }

  private static long seconds(long nanos) {
    return Math.round(nanos / 1e9);
  }

  /** The messages of the cause chain, without repeats: what an operator needs to act. */
  static String describe(Throwable t) {
    StringBuilder s = new StringBuilder();
    String last = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
      if (last != null && last.contains(m)) {
        continue;
      }
      if (!s.isEmpty()) {
        s.append(" <- ");
      }
      s.append(m);
      last = m;
    }
    return s.toString();
  }
}
