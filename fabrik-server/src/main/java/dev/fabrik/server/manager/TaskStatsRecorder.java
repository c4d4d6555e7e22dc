package dev.fabrik.server.manager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per background task: runs, jobs moved and time spent, for INFO's {@code faktory.tasks}. Names are
 * Faktory's: {@code Scheduled}, {@code Retries}, {@code Dead}, {@code Busy}, {@code Workers}.
 */
final class TaskStatsRecorder {
  static final String SCHEDULED = "Scheduled";
  static final String RETRIES = "Retries";
  static final String DEAD = "Dead";
  static final String BUSY = "Busy";
  static final String WORKERS = "Workers";

  private final Map<String, Entry> tasks = new ConcurrentHashMap<>();

  TaskStatsRecorder() {
    for (String name : new String[] {SCHEDULED, RETRIES, DEAD, BUSY, WORKERS}) {
      tasks.put(name, new Entry());
    }
  }

  void record(String task, long moved, long nanos) {
    Entry e = tasks.computeIfAbsent(task, k -> new Entry());
    e.cycles.increment();
    e.moved.add(moved);
    e.nanos.add(nanos);
  }

  Map<String, JobStats.TaskStats> snapshot() {
    Map<String, JobStats.TaskStats> out = new LinkedHashMap<>();
    tasks.forEach(
        (name, e) ->
            out.put(
                name, new JobStats.TaskStats(e.cycles.sum(), e.moved.sum(), e.nanos.sum() / 1e9)));
    return out;
  }

  private static final class Entry {
    final LongAdder cycles = new LongAdder();
    final LongAdder moved = new LongAdder();
    final LongAdder nanos = new LongAdder();
  }
}
