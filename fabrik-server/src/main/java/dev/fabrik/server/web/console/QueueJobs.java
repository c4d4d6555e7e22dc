package dev.fabrik.server.web.console;

import java.util.List;

/**
 * A page of one queue's jobs from its head. The cursor is the offset from the head: jobs move as
 * workers fetch, so paging a busy queue may skip or repeat a few (as in Faktory's UI).
 *
 * @param latencySeconds seconds since the job at the head was enqueued (0 when empty)
 * @param cursor the offset this page starts at
 * @param next the offset of the next page, or null when this is the last
 */
public record QueueJobs(
    String queue,
    long size,
    double latencySeconds,
    boolean paused,
    long cursor,
    List<JobSummary> jobs,
    Long next) {

  public QueueJobs {
    jobs = List.copyOf(jobs);
  }
}
