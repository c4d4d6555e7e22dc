package dev.fabrik.server.unique;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The store's side of unique jobs: locks keyed by a job's identity, each owned by one jid until it
 * expires. Reached through {@link dev.fabrik.server.storage.Store#uniqueLocks()}.
 *
 * <p>Race-free by construction: {@link #pushAsync} takes the claims in the same atomic write that
 * stores the jobs, so of two concurrent pushes of one job exactly one is stored, and a lock is
 * durable exactly when its job is. A shared database implements it in one transaction: {@code
 * INSERT INTO unique_locks ... ON CONFLICT (key) DO UPDATE ... WHERE unique_locks.expires_at <=
 * now}, a row count of 0 meaning "held", then the job inserts of the claims that won. No lock of
 * the server process decides who wins.
 *
 * <p>Every implementation passes {@code UniqueLocksContract}.
 */
public interface UniqueLocks {

  /**
   * {@link dev.fabrik.server.storage.Store#push} with claims, in one atomic step: each claim whose
   * key holds no lock, or only one that expired at or before {@code now}, takes it (the previous
   * owner loses it); the others are refused, and every job and entry whose jid has a refused claim
   * is not stored. Claims apply in list order, so a second claim of one key in a batch is refused.
   * Jobs and entries without a claim are stored as they are. The returned stage completes once the
   * writes are as durable as a push, possibly on a store thread (chain only short work).
   *
   * @return the jids whose claim was refused (empty when all were stored)
   */
  CompletableFuture<Set<String>> pushAsync(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now);

  /** {@link #pushAsync}, waiting for it. */
  default Set<String> push(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    try {
      return pushAsync(jobs, entries, claims, now).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /**
   * Deletes the lock on {@code key} if {@code jid} still owns it (a lock that expired and was taken
   * by another copy stays). The stage completes once the deletion is durable.
   *
   * @return whether a lock was deleted
   */
  CompletableFuture<Boolean> releaseAsync(String key, String jid);

  /**
   * Deletes up to {@code limit} locks that expired at or before {@code now} (they no longer refuse
   * anything; this only reclaims their space).
   *
   * @return how many were deleted
   * @throws StorageException nothing was deleted
   */
  int purgeExpired(Instant now, int limit);

  /** The lock on {@code key}, live or expired, if one is stored. */
  Optional<UniqueLock> find(String key);

  /** How many locks are stored, live or expired. */
  long size();
}
