package dev.fabrik.server.unique;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of unique jobs (spec §8.1) around the manager's push, fetch and ack: a unique push is
 * stored together with its claim ({@link UniqueLocks#pushAsync}), a duplicate is refused with
 * {@code -NOTUNIQUE Job not unique}; the lock is given back at FETCH ({@code unique_until:
 * "start"}) or at ACK (the default), only by the job that owns it. FAIL, retries and the dead set
 * keep it until its TTL. Thread-safe.
 */
public final class UniqueJobs {
  private static final Logger LOG = LoggerFactory.getLogger(UniqueJobs.class);

  /** The code and text of a refused duplicate, as Faktory Enterprise words them. */
  public static final String CODE = "NOTUNIQUE";

  public static final String MESSAGE = "Job not unique";

  private final UniqueLocks locks;

  public UniqueJobs(UniqueLocks locks) {
    this.locks = locks;
  }

  /** The refusal of a duplicate PUSH. */
  public static CommandException notUnique() {
    return new CommandException(CODE, MESSAGE);
  }

  /**
   * Stores a push holding claims; the stage fails with {@link #notUnique()} when the claim of the
   * single job was refused (PUSH).
   */
  public CompletableFuture<Void> pushOne(
      List<QueuedJob> jobs, List<SetEntry> entries, UniqueClaim claim, Instant now) {
    return locks
        .pushAsync(jobs, entries, List.of(claim), now)
        .thenApply(
            refused -> {
              if (!refused.isEmpty()) {
                throw notUnique();
              }
              return null;
            });
  }

  /** Stores a PUSHB holding claims; returns the jids refused as duplicates. */
  public Set<String> pushBatch(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    return locks.push(jobs, entries, claims, now);
  }

  /**
   * A job was fetched: an {@code unique_until: "start"} job gives its lock back. Not waited for;
   * the store writes in order, so a push that follows the FETCH's reply sees the release.
   */
  public void fetched(Reservation r) {
    release(r, UniqueUntil.START);
  }

  /** A job was acknowledged: a default ({@code "success"}) job gives its lock back. */
  public CompletableFuture<Void> acknowledged(Optional<Reservation> r) {
    return r.isEmpty()
        ? CompletableFuture.completedFuture(null)
        : release(r.get(), UniqueUntil.SUCCESS);
  }

  private CompletableFuture<Void> release(Reservation r, UniqueUntil when) {
    if (!UniqueOption.mayBeUnique(r.options())) {
      return CompletableFuture.completedFuture(null);
    }
    UniqueOption option;
    try {
      option = UniqueOption.of(JobCodec.decode(r.payload()));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(null); // not a job we could have locked
    }
    if (option == null || option.until() != when) {
      return CompletableFuture.completedFuture(null);
    }
    return locks
        .releaseAsync(option.key(), r.jid())
        .handle(
            (released, e) -> {
              if (e != null) {
                // The job is done either way; its lock now lasts until its TTL.
                LOG.warn("could not release the unique lock of job {}", r.jid(), e);
              }
              return null;
            });
  }

  /** Deletes expired locks, {@code batch} per store call, until a call comes up short. */
  public int purgeExpired(Instant now, int batch) {
    int total = 0;
    int purged;
    do {
      purged = locks.purgeExpired(now, batch);
      total += purged;
    } while (purged >= batch);
    return total;
  }
}
