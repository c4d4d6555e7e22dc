package dev.fabrik.server.storage;

import dev.fabrik.server.priority.Priority;

/**
 * A job as the store sees it: the jid and queue it is filed under, its JSON payload, and its
 * priority within the queue (1..9: higher is fetched first, FIFO within a level).
 */
public record QueuedJob(String jid, String queue, byte[] payload, int priority) {

  public QueuedJob {
    if (!Priority.isValid(priority)) {
      throw new IllegalArgumentException("priority must be 1..9, not " + priority);
    }
  }

  /** A job of the default priority (5). */
  public QueuedJob(String jid, String queue, byte[] payload) {
    this(jid, queue, payload, Priority.DEFAULT);
  }

  /**
   * A job going back to its queue from a set (a retry, a due scheduled job, a requeue): its
   * priority is the one its payload carries.
   */
  public static QueuedJob fromPayload(String jid, String queue, byte[] payload) {
    return new QueuedJob(jid, queue, payload, Priority.ofPayload(payload));
  }
}
