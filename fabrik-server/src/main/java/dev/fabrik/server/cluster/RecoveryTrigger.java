package dev.fabrik.server.cluster;

import java.time.Instant;

/**
 * Says when a periodic recovery pass (batch members, workflow rows whose outcome a crash lost) is
 * worth its cost. Such outcomes are lost only when a node dies between a commit and the bookkeeping
 * that follows it, so the passes run after a node was lost ({@link LostNodes}), not every period
 * whatever happened: a pass compares pending rows with every job stored, which costs seconds at a
 * few hundred thousand queued jobs.
 */
@FunctionalInterface
public interface RecoveryTrigger {
  /** Every period (tests that drive the passes directly). */
  RecoveryTrigger ALWAYS = now -> true;

  /** True when a pass should run now. */
  boolean due(Instant now);
}
