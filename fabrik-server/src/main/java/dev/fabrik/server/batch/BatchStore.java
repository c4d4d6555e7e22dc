package dev.fabrik.server.batch;

import dev.fabrik.server.storage.QueuedJob;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The batches and their members: one row per batch, one row per (bid, jid) member. Counts are never
 * kept in a counter column; they are counted from the member rows, and every change is a single
 * conditional statement (compare-and-set), so several server nodes on one PostgreSQL database stay
 * exact without any lock in a Java process:
 *
 * <ul>
 *   <li>a member moves only forward ({@link MemberState}), so the same ACK applied twice counts
 *       once;
 *   <li>a callback state moves {@code "" → "1"} in one UPDATE whose WHERE clause also checks that
 *       no member is pending and every child completed: of any number of racing nodes exactly one
 *       sees the row change and pushes the callback.
 * </ul>
 *
 * <p>Every implementation passes {@code BatchStoreContract}.
 */
public interface BatchStore {

  /** Stores a new batch ({@link BatchRecord#created}); its counts are ignored. */
  void create(BatchRecord batch);

  /** The batch with its member counts, or empty when unknown (expired, purged). */
  Optional<BatchRecord> get(String bid);

  /**
   * The batch row alone, its counts zero: what the completion checks read after every member's
   * outcome, so it must not count members.
   */
  Optional<BatchRecord> row(String bid);

  /**
   * Batches newest first, at most {@code limit}, created strictly before {@code before} (null:
   * all).
   */
  List<BatchRecord> list(Instant before, int limit);

  /** Member jids of {@code bid} in {@code state}, at most {@code limit}, in jid order. */
  List<String> members(String bid, MemberState state, int limit);

  /**
   * {@code BATCH OPEN}: the batch takes jobs again until the next commit (or {@code expiresAt}).
   * False when the batch is unknown.
   */
  boolean reopen(String bid, Instant expiresAt);

  /**
   * {@code BATCH COMMIT}: closes the batch to new jobs and lets its callbacks fire. False when the
   * batch is unknown or not open (committed twice).
   */
  boolean commit(String bid);

  /**
   * A job of {@code bid} is about to be stored: records it as a pending member, once (a jid pushed
   * twice into one batch is one member). Only while the batch is open; a batch closed meanwhile
   * records nothing. The stage completes once the row is as durable as the store's other writes; on
   * a store with one writer it is written before any write called after it (the job itself). It
   * completes with whether the batch was open (the jid is its member now): false when the batch is
   * unknown or closed, e.g. committed on another node a moment ago.
   */
  CompletableFuture<Boolean> join(String bid, String jid, Instant now);

  /** A member whose push was refused after {@link #join}: removes it if still pending. */
  void leave(String bid, String jid);

  /**
   * Moves a member forward to {@code state} (pending → failed/succeeded, failed → succeeded). False
   * when it was not a member or was already there or beyond.
   */
  boolean finish(String bid, String jid, MemberState state);

  /**
   * {@link #finish} for many members in one store operation (one transaction), committed when it
   * returns; returns the bids in which some member moved. ACKs arrive faster than one write each
   * can keep up with, so the batches thread hands them over in groups.
   */
  default java.util.Set<String> finishAll(java.util.List<MemberOutcome> outcomes) {
    java.util.Set<String> moved = new java.util.LinkedHashSet<>();
    for (MemberOutcome o : outcomes) {
      if (finish(o.bid(), o.jid(), o.state())) {
        moved.add(o.bid());
      }
    }
    return moved;
  }

  /**
   * The complete callback state {@code "" → to} ({@code "1"} when a callback is to be pushed,
   * {@code "2"} when there is none) if the batch is committed, not open, has no pending member and
   * every child batch's complete state is {@code "2"}. True for the one caller that changed it.
   * Moving to {@code "2"} stamps {@code completedAt = now}.
   */
  boolean markComplete(String bid, String to, Instant now);

  /**
   * Fires a callback: its state {@code "" → "1"} under the conditions of {@link #markComplete}
   * ({@link Callback#COMPLETE}) or {@link #markSuccess} ({@link Callback#SUCCESS}), and {@code job}
   * appended to its queue, in ONE atomic step (one transaction): a crash keeps both or neither, so
   * a state {@code "1"} always has its job somewhere, and a state {@code ""} never has one. True
   * for the one caller that changed the state; only that caller's job is stored.
   */
  boolean fire(String bid, Callback which, QueuedJob job, Instant now);

  /**
   * The success callback state {@code "" → to} if the complete state is {@code "2"}, every member
   * succeeded and every child batch's success state is {@code "2"}. True for the one caller that
   * changed it.
   */
  boolean markSuccess(String bid, String to);

  /**
   * A callback job was ACKed: its state {@code "1" → "2"} (complete: stamps {@code completedAt}).
   * True for the one caller that changed it.
   */
  boolean callbackDone(String bid, Callback callback, Instant now);

  /**
   * Batches that may still change and are not open: committed, complete or success state not yet
   * {@code "2"}, in bid order after {@code after} (null: from the first), at most {@code limit}: a
   * keyset page, for the periodic re-check after a crash.
   */
  List<String> unsettled(String after, int limit);

  /**
   * Deletes up to {@code limit} never-committed batches open past {@code expiresAt}, with their
   * members; returns their bids.
   */
  List<String> expire(Instant now, int limit);

  /**
   * Closes re-opened batches whose OPEN was not followed by a COMMIT in time (they were committed
   * before, so their callbacks may fire as if committed again); returns their bids.
   */
  List<String> closeStaleReopens(Instant now, int limit);

  /**
   * Deletes up to {@code limit} batches (and members) whose complete state became {@code "2"} at or
   * before {@code before}; returns how many.
   */
  int purge(Instant before, int limit);

  /**
   * Crash recovery, for outcomes stored but not reported before the process died. Pending members
   * of batches not yet complete, joined before {@code joinedBefore}: one whose job waits in the
   * retries or dead set counts as failed; one whose job exists nowhere in this store counts as
   * succeeded (its ACK was stored; a discard is recorded before the job goes). A callback state
   * {@code "1"} whose job exists nowhere (it is stored with the state, {@link #fire}) was ACKed: it
   * moves to {@code "2"}. The members' jids are looked up in the job tables by pages (one scan of
   * each job table per page, hashing only the page), never by an anti-join over every job. Returns
   * how many rows moved. A store that loses its jobs with the process does nothing.
   */
  int settleVanished(Instant joinedBefore);

  /**
   * The periodic pass over members whose job vanished while every node runs (an operator deleted
   * it, FETCH dropped it expired, or an operator killed it to the dead set): no ACK or FAIL will
   * report them. Looks at up to {@code limit} pending members of committed, unfinished batches
   * joined before {@code joinedBefore}, after {@code after} in {@code (bid, jid)} order (null: from
   * the first), and judges all of them on ONE snapshot of the job tables (a job moving between
   * tables is seen in one of them): a job in the retries or dead set, or discarded by a FAIL (its
   * fate row), moves its member to failed; a job that is nowhere (not queued, reserved, scheduled,
   * retrying, dead, held by a workflow) moves it to succeeded; any other stays pending. Each move
   * is a compare-and-set from {@code pending}, so a report arriving meanwhile wins and nothing
   * counts twice. Finding no candidate reads no job table.
   */
  VanishedPage settleVanishedPage(MemberKey after, Instant joinedBefore, int limit);

  /**
   * Callbacks whose state is {@code "1"} (pushed, not yet reported done) and whose job is nowhere
   * in this store (not queued, reserved, scheduled, retrying, dead, nor held by a workflow), read
   * on ONE snapshot of the batch and job tables, in bid order. Such a job was ACKed (its report may
   * be on its way) or deleted by an operator; the caller moves the state by {@link #callbackDone},
   * a compare-and-set that the report and any other node's pass race on, so it counts once. Reads
   * only {@code batches} when no callback is in state {@code "1"}; else each job table once,
   * probing the callbacks' jids (no store indexes queued jobs by jid).
   */
  List<CallbackKey> vanishedCallbacks();

  /** Batches held, by whether they are open, committed-but-unfinished or completed. */
  BatchCounts counts();
}
