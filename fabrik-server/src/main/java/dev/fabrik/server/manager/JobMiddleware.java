package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.OptionKeys;

/**
 * Hooks around a job's life, as Faktory's middleware chains (spec §8.7): the base for unique jobs,
 * expiring jobs, batches and tracking. To refuse, a hook throws {@link
 * dev.fabrik.server.CommandException} with its own code; the client then gets {@code -CODE message}
 * (e.g. {@code -DENIED push denied}), or an entry {@code "DENIED push denied"} in a PUSHB reply.
 */
public interface JobMiddleware {

  /**
   * A valid job (defaults filled) is about to be scheduled or enqueued; a hook may add keys to its
   * {@code custom} (the job is encoded after every hook ran). A PUSHB's jobs keep their {@code
   * args} and unknown array or object fields as their stored bytes: walk them through {@link
   * dev.fabrik.protocol.JobCodec#tree}.
   */
  default void beforePush(Job job) {}

  /**
   * Whether {@link #afterFetch} and {@link #afterAck} must see the job of a stored payload that
   * holds {@code keys}. A FETCH or an ACK decodes the job only when some hook says yes, so a hook
   * that acts on few jobs answers from the option keys (found in one pass for all hooks).
   */
  default boolean inspects(OptionKeys keys) {
    return true;
  }

  /**
   * A job was taken for a worker. {@link FetchAction#DISCARD} drops it and the fetch goes on with
   * the next job; throwing drops it and answers the FETCH with the error.
   */
  default FetchAction afterFetch(Job job) {
    return FetchAction.ACCEPT;
  }

  /**
   * A scheduled job or a retry is due; true drops it (deleted from its set, never enqueued). Runs
   * inside the store's move of due entries, so it must be quick and must not call the store.
   */
  default boolean dropWhenDue(Job job) {
    return false;
  }

  /** A reserved job was acknowledged. */
  default void afterAck(Job job) {}

  /** What a fetch hook does with the job. */
  enum FetchAction {
    ACCEPT,
    DISCARD
  }
}
