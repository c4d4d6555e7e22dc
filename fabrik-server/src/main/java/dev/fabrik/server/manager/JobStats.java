package dev.fabrik.server.manager;

import java.util.Map;

/**
 * What INFO shows of the job data: queue sizes by name, set sizes, totals, and how many jobs each
 * background task has moved.
 */
public record JobStats(
    Map<String, Long> queues,
    long scheduled,
    long retries,
    long dead,
    long working,
    long totalProcessed,
    long totalFailures,
    Map<String, TaskStats> tasks) {

  /** One background task's record: runs, jobs moved, time spent. */
  public record TaskStats(long cycles, long enqueued, double wallTimeSeconds) {}
}
