package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.storage.QueuedJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Takes over the storing of some pushed jobs: workflows hold a job whose dependencies have not
 * succeeded instead of enqueueing it. The manager validates every job as usual, then hands the ones
 * {@link #takes} claims to {@link #store} in one call per PUSH or PUSHB.
 */
public interface PushRoute {

  /** Whether this route stores {@code job} (a validated job, defaults filled). */
  boolean takes(Job job);

  /**
   * Stores the claimed jobs of one PUSH or PUSHB (blocking).
   *
   * @return jid → error text of the refused ones (nothing of them is stored)
   */
  Map<String, String> store(List<Routed> jobs, Instant now);

  /**
   * A claimed job: as validated, in its stored form, and its run time when it is scheduled in the
   * future (else null).
   */
  record Routed(Job job, QueuedJob queued, Instant scheduledAt) {}
}
