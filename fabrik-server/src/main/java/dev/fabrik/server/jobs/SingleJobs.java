package dev.fabrik.server.jobs;

import java.util.List;

/**
 * What an operator does to ONE job from the dashboard, the JSON API or the CLI, kept by every
 * store: delete a queued job, move it to the front of its queue, and find where a jid is.
 *
 * <p>Both edits act only on a job that is queued at the moment the store decides: a job a FETCH
 * reserved meanwhile (on this node or on another one sharing the database) is left alone and the
 * call answers false, so a worker never runs a job the operator was told was deleted, and a job is
 * never both deleted and running. Of several queued jobs with the same jid (Faktory allows twins),
 * the one that would be fetched first is the one acted on.
 *
 * <p>"The front" is the front of the job's own priority level ({@link
 * dev.fabrik.server.storage.QueuedJob#priority()}): it is fetched before every other job of its
 * level, still after the queue's jobs of higher levels. The job keeps its priority, so its payload
 * and the store agree and a retry brings it back at that priority; in a queue of one level (the
 * usual case) that is simply "next".
 */
public interface SingleJobs {

  /**
   * Deletes the queued job {@code jid} of {@code queue} for good, durable when the call returns.
   *
   * @return false when {@code queue} holds no queued job {@code jid} (never did, already fetched by
   *     a worker, or already deleted)
   */
  boolean deleteQueued(String queue, String jid);

  /**
   * Makes the queued job {@code jid} the next of its priority level in {@code queue}, durable (and
   * surviving a restart) when the call returns.
   *
   * @return false when {@code queue} holds no queued job {@code jid}
   */
  boolean moveToFront(String queue, String jid);

  /**
   * Every place a job with this jid is now: queued (in its queue), in progress (reserved by a
   * worker), or in the scheduled, retries or dead set; at most {@code limit} places. The lookup is
   * a scan: no store indexes queued jobs or set entries by jid (an index would cost every PUSH), so
   * it takes time linear in the jobs stored.
   */
  List<JobPlace> find(String jid, int limit);
}
