package dev.fabrik.server.web.console;

import dev.fabrik.server.jobs.JobPlace;
import dev.fabrik.server.storage.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * Find by jid, for the search box on every page and {@code GET /api/jobs/{jid}}: every place the
 * store has the jid (its queue, a worker, the scheduled, retries and dead sets).
 */
public final class JobSearch {

  /** Most places one search lists (a jid is unique in practice; twins are rare). */
  public static final int MAX_PLACES = 50;

  /** Longest jid searched: PUSH refuses nothing longer in practice, and it bounds the scan. */
  static final int MAX_JID = 1000;

  private final Store store;

  JobSearch(Store store) {
    this.store = store;
  }

  /**
   * Where {@code jid} is, queued places first; empty when nowhere.
   *
   * @throws ConsoleException BAD_REQUEST for a blank or over-long jid
   */
  public List<FoundJob> find(String jid) {
    String wanted = jid == null ? "" : jid.strip();
    if (wanted.isEmpty()) {
      throw ConsoleException.badRequest("type a job's jid to find it");
    }
    if (wanted.length() > MAX_JID) {
      throw ConsoleException.badRequest("a jid is at most " + MAX_JID + " characters");
    }
    List<FoundJob> out = new ArrayList<>();
    for (JobPlace p : store.singleJobs().find(wanted, MAX_PLACES)) {
      JobDetail job = JobDetail.of(p.jid(), p.queue(), p.payload());
      out.add(
          switch (p) {
            case JobPlace.Queued q -> new FoundJob(FoundJob.QUEUED, null, null, null, null, job);
            case JobPlace.Working w ->
                new FoundJob(
                    FoundJob.WORKING,
                    null,
                    null,
                    w.reservation().expiresAt(),
                    w.reservation().wid(),
                    job);
            case JobPlace.InSet s ->
                new FoundJob(
                    s.entry().set().wireName(),
                    s.entry().set(),
                    s.entry().key().asString(),
                    s.entry().score(),
                    null,
                    job);
          });
    }
    return out;
  }
}
