package dev.fabrik.server.history;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.PeriodicService.Pass;
import dev.fabrik.server.lifecycle.Service;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job history of this node's store: the {@link HistoryRecorder} counts runs in memory, this
 * service flushes the counts to the {@link JobStatsStore} every {@link #FLUSH_PERIOD} and at stop
 * (a kill -9 loses at most the counts of one period), deletes buckets past their {@link
 * HistoryRetention} once a minute, and answers the dashboard's and the API's questions.
 *
 * <pre>{@code
 * History history = new History(store.history(), clock, HistoryRetention.defaults());
 * manager.onOutcome(history.recorder());
 * history.start();
 * }</pre>
 *
 * A flush that fails (database down) keeps its rows and adds them to the next one; beyond {@link
 * #MAX_PENDING_ROWS} unflushed rows the oldest are dropped with a warning, so an outage bounds the
 * heap. Runs on a {@link PeriodicService} (a platform thread: store calls pin carriers).
 */
public final class History implements Service {
  private static final Logger log = LoggerFactory.getLogger(History.class);

  /** How often the counts go to the store: what a kill -9 can lose. */
  public static final Duration FLUSH_PERIOD = Duration.ofSeconds(5);

  static final Duration PURGE_PERIOD = Duration.ofMinutes(1);
  static final int MAX_PENDING_ROWS = 100_000;
  private static final int PURGE_BATCH = 10_000;

  private final JobStatsStore store;
  private final Clock clock;
  private final HistoryRetention retention;
  private final HistoryRecorder recorder;
  private final Object flushing = new Object();
  private List<HistoryRow> pending = List.of(); // guarded by flushing
  private final PeriodicService runs;

  public History(JobStatsStore store, Clock clock, HistoryRetention retention) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
    this.recorder = new HistoryRecorder(clock);
    this.runs =
        new PeriodicService(
            "fabrik-history",
            List.of(
                Pass.afterEach("history flush", FLUSH_PERIOD, FLUSH_PERIOD, this::flushSafely),
                Pass.afterEach("history purge", Duration.ZERO, PURGE_PERIOD, this::purge)));
  }

  /** What the manager tells of every run ({@code manager.onOutcome(history.recorder())}). */
  public HistoryRecorder recorder() {
    return recorder;
  }

  public HistoryRetention retention() {
    return retention;
  }

  @Override
  public void start() {
    runs.start();
  }

  /** Stops the timer, then flushes what is left (before the server closes the store). */
  @Override
  public void stop(Duration timeout) {
    runs.stop(timeout);
    flushSafely();
  }

  /**
   * Writes every count held in memory to the store now (the timer calls this; so do tests).
   *
   * @throws dev.fabrik.server.storage.StorageException the store refused; the rows are kept for the
   *     next flush
   */
  public void flush() {
    synchronized (flushing) {
      List<HistoryRow> rows = merge(pending, recorder.drain());
      pending = List.of();
      try {
        store.add(rows);
      } catch (RuntimeException e) {
        pending = rows.size() > MAX_PENDING_ROWS ? newest(rows) : rows;
        throw e;
      }
    }
  }

  private void flushSafely() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("writing the job history failed; its counts are kept for the next try", e);
    }
  }

  private static List<HistoryRow> merge(List<HistoryRow> a, List<HistoryRow> b) {
    if (a.isEmpty()) {
      return b;
    }
    record Key(Grain grain, long start, String jobtype) {}
    Map<Key, Tally> sums = new HashMap<>();
    for (List<HistoryRow> rows : List.of(a, b)) {
      for (HistoryRow r : rows) {
        sums.computeIfAbsent(new Key(r.grain(), r.start(), r.jobtype()), k -> new Tally())
            .add(r.tally());
      }
    }
    List<HistoryRow> out = new ArrayList<>(sums.size());
    sums.forEach((k, t) -> out.add(new HistoryRow(k.grain(), k.start(), k.jobtype(), t)));
    return out;
  }

  private static List<HistoryRow> newest(List<HistoryRow> rows) {
    log.warn(
        "the job history could not be written for a long time; dropping its oldest {} rows",
        rows.size() - MAX_PENDING_ROWS);
    List<HistoryRow> sorted = new ArrayList<>(rows);
    sorted.sort((x, y) -> Long.compare(y.start(), x.start()));
    return List.copyOf(sorted.subList(0, MAX_PENDING_ROWS));
  }

  /** Deletes every bucket past its grain's retention; returns how many rows went. */
  public int purge() {
    long now = clock.instant().getEpochSecond();
    int total = 0;
    for (Grain g : Grain.values()) {
      long before = now - retention.of(g).toSeconds();
      int n;
      do {
        n = store.purge(g, before, PURGE_BATCH);
        total += n;
      } while (n >= PURGE_BATCH);
    }
    return total;
  }

  // ---------------------------------------------------------------- questions

  /**
   * The processed and failed counts of {@code range} (of one job type, or all when null), one point
   * per {@link HistoryRange#stepSeconds()}, the last point holding now. Read from the finest grain
   * kept for the whole range; counts not flushed yet (at most {@link #FLUSH_PERIOD}) are not in it.
   */
  public HistorySeries series(HistoryRange range, String jobtype) {
    long now = clock.instant().getEpochSecond();
    long step = range.stepSeconds();
    long span = range.length().toSeconds();
    Grain grain = Grain.DAY;
    for (Grain g : Grain.values()) {
      if (g.seconds() <= step && retention.of(g).toSeconds() >= span) {
        grain = g;
        break;
      }
    }
    long width = Math.max(step, grain.seconds());
    int n = (int) Math.max(1, span / width);
    long last = Math.floorDiv(now, width) * width;
    long first = last - (n - 1) * width;
    long[] processed = new long[n];
    long[] failed = new long[n];
    SortedMap<Long, Tally> buckets = store.series(grain, first, last + width, jobtype);
    buckets.forEach(
        (start, t) -> {
          int i = (int) ((start - first) / width);
          if (i >= 0 && i < n) {
            processed[i] += t.processed();
            failed[i] += t.failed();
          }
        });
    List<HistoryPoint> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      points.add(
          new HistoryPoint(Instant.ofEpochSecond(first + i * width), processed[i], failed[i]));
    }
    return new HistorySeries(range, jobtype, width, List.copyOf(points));
  }

  /** Every job type with runs in {@code range} (up to now), ordered by {@code sort}. */
  public List<JobTypeStats> jobTypes(HistoryRange range, JobTypeSort sort) {
    long now = clock.instant().getEpochSecond();
    Map<String, Tally> sums = new HashMap<>();
    for (HistoryWindow.Segment s :
        HistoryWindow.cover(now - range.length().toSeconds(), now, now, retention)) {
      store
          .byType(s.grain(), s.from(), s.to())
          .forEach((type, t) -> sums.computeIfAbsent(type, k -> new Tally()).add(t));
    }
    List<JobTypeStats> out = new ArrayList<>(sums.size());
    sums.forEach((type, t) -> out.add(new JobTypeStats(type, t)));
    out.sort(sort.order());
    return out;
  }
}
