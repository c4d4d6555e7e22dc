package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.QueueJobs;

/** One queue's jobs from the head, {@code pageSize} at a time. */
public record QueuePage(Chrome chrome, QueueJobs jobs, int pageSize) {
  /** This queue's page at {@code cursor}. */
  public String href(long cursor) {
    String base = "/queues/" + Display.seg(jobs.queue());
    return cursor <= 0 ? base : base + "?cursor=" + cursor;
  }

  /** The offset of the previous page, or -1 on the first. */
  public long previous() {
    return jobs.cursor() <= 0 ? -1 : Math.max(0, jobs.cursor() - pageSize);
  }
}
