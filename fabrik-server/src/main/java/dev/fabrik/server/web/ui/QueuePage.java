package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.console.QueueJobs;

/** One queue's jobs from the head, {@code pageSize} at a time, with the queue's actions. */
public record QueuePage(Chrome chrome, QueueJobs jobs, int pageSize) {
  /** This queue's page at {@code cursor}. */
  public String href(long cursor) {
    return cursor <= 0 ? base() : base() + "?cursor=" + cursor;
  }

  /** The offset of the previous page, or -1 on the first. */
  public long previous() {
    return jobs.cursor() <= 0 ? -1 : Math.max(0, jobs.cursor() - pageSize);
  }

  /** The page of the job listed {@code index}-th on this page (its offset checked by jid). */
  public String jobHref(int index, String jid) {
    return base() + "/jobs/" + (jobs.cursor() + index) + "?jid=" + Display.q(jid);
  }

  /** Where one job's Delete and Run next post: {@code /queues/default/jobs/abc/delete}. */
  public String jobAction(String jid, String verb) {
    return base() + "/jobs/" + Display.seg(jid) + "/" + verb;
  }

  /** Where the queue's forms post: {@code /queues/default/pause}. */
  public String action(String verb) {
    return base() + "/" + verb;
  }

  private String base() {
    return "/queues/" + Display.seg(jobs.queue());
  }
}
