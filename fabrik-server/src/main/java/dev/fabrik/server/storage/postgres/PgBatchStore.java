package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.batch.BatchCounts;
import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.batch.BatchStore;
import dev.fabrik.server.batch.Callback;
import dev.fabrik.server.batch.CallbackKey;
import dev.fabrik.server.batch.MemberKey;
import dev.fabrik.server.batch.MemberState;
import dev.fabrik.server.batch.VanishedPage;
import dev.fabrik.server.storage.BatchSql;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.VanishedCallbackSql;
import dev.fabrik.server.storage.VanishedMemberSql;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Batches in {@code {s}.batches} and {@code {s}.batch_members} (migration V5), each decision ONE
 * autocommitted statement ({@link BatchSql} shows why that is exact with several nodes); the sweeps
 * (expire, purge) claim their rows with {@code FOR UPDATE SKIP LOCKED} in one transaction.
 *
 * <p>{@link #join} runs its insert before returning (the job's own insert goes through the group
 * commit and is not ordered with it), so a PUSH answered {@code +OK} always has its membership. It
 * notes the jid in {@link PgBatchJoins}, whose check in the job's transaction refuses the job if a
 * FLUSH, an expiry or a COMMIT removed or closed the batch in between.
 */
final class PgBatchStore implements BatchStore {
  /** Members crash recovery judges per lookup: one scan of each job table per page. */
  private static final int RECOVERY_PAGE = 100_000;

  private final PgDatabase db;
  private final BatchSql sql;
  private final VanishedMemberSql vanished;
  private final VanishedCallbackSql callbacks;
  private final VanishedMemberSql.Runner steps;
  private final PgInserts inserts;
  private final PgBatchJoins joins;
  private final BiConsumer<String, Integer> enqueued;

  /**
   * @param enqueued told of a callback job committed into its queue (wakes this node's FETCHes)
   */
  PgBatchStore(
      PgDatabase db, PgInserts inserts, PgBatchJoins joins, BiConsumer<String, Integer> enqueued) {
    this.db = db;
    this.inserts = inserts;
    this.joins = joins;
    this.enqueued = enqueued;
    this.sql = new BatchSql(db.sql("{s}."), true);
    this.vanished = new VanishedMemberSql(db.sql("{s}."), true);
    this.callbacks = new VanishedCallbackSql(db.sql("{s}."), true);
    this.steps =
        new VanishedMemberSql.Runner() {
          @Override
          public <T> T read(VanishedMemberSql.Step<T> step) {
            return PgCalls.autocommit(db, "looking for batch members' jobs", step::run);
          }

          @Override
          public <T> T write(VanishedMemberSql.Step<T> step) {
            return PgCalls.transaction(db, "settling vanished batch members", step::run);
          }
        };
  }

  @Override
  public void create(BatchRecord batch) {
    PgCalls.autocommit(
        db,
        "creating a batch",
        c -> {
          sql.create(c, batch);
          return null;
        });
  }

  @Override
  public Optional<BatchRecord> get(String bid) {
    // One snapshot for the row and its counts.
    return PgCalls.transaction(db, "reading a batch", c -> sql.get(c, bid, true));
  }

  @Override
  public Optional<BatchRecord> row(String bid) {
    return PgCalls.autocommit(db, "reading a batch", c -> sql.get(c, bid, false));
  }

  @Override
  public List<BatchRecord> list(Instant before, int limit) {
    return PgCalls.autocommit(db, "listing batches", c -> sql.list(c, before, limit));
  }

  @Override
  public List<String> members(String bid, MemberState state, int limit) {
    return PgCalls.autocommit(db, "listing batch members", c -> sql.members(c, bid, state, limit));
  }

  @Override
  public boolean reopen(String bid, Instant expiresAt) {
    return PgCalls.autocommit(db, "opening a batch", c -> sql.reopen(c, bid, expiresAt));
  }

  @Override
  public boolean commit(String bid) {
    return PgCalls.autocommit(db, "committing a batch", c -> sql.commit(c, bid));
  }

  @Override
  public CompletableFuture<Boolean> join(String bid, String jid, Instant now) {
    joins.joining(bid, jid);
    try {
      return CompletableFuture.completedFuture(
          PgCalls.autocommit(db, "adding a job to a batch", c -> sql.join(c, bid, jid, now)));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void leave(String bid, String jid) {
    PgCalls.autocommit(
        db,
        "removing a job from a batch",
        c -> {
          sql.leave(c, bid, jid);
          return null;
        });
    joins.left(bid, jid);
  }

  @Override
  public boolean finish(String bid, String jid, MemberState state) {
    return PgCalls.autocommit(
        db, "recording a batch job's outcome", c -> sql.finish(c, bid, jid, state));
  }

  /** One transaction, committed before the caller's completion checks start (see BatchSql). */
  @Override
  public java.util.Set<String> finishAll(
      java.util.List<dev.fabrik.server.batch.MemberOutcome> all) {
    return PgCalls.transaction(
        db,
        "recording batch jobs' outcomes",
        c -> {
          java.util.Set<String> moved = new java.util.LinkedHashSet<>();
          for (var o : all) {
            if (sql.finish(c, o.bid(), o.jid(), o.state())) {
              moved.add(o.bid());
            }
          }
          return moved;
        });
  }

  @Override
  public boolean markComplete(String bid, String to, Instant now) {
    return PgCalls.autocommit(db, "completing a batch", c -> sql.markComplete(c, bid, to, now));
  }

  /**
   * The state's compare-and-set and the callback job's insert in one transaction: the UPDATE's row
   * lock is held until the commit, so a racing node waits, re-checks {@code complete_st = ''} and
   * changes nothing (and inserts nothing).
   */
  @Override
  public boolean fire(String bid, Callback which, QueuedJob job, Instant now) {
    boolean fired =
        PgCalls.transaction(
            db,
            "firing a batch callback",
            c -> {
              if (!sql.markFired(c, bid, which, now)) {
                return false;
              }
              inserts.jobs(c, List.of(job));
              return true;
            });
    if (fired) {
      enqueued.accept(job.queue(), 1);
    }
    return fired;
  }

  @Override
  public boolean markSuccess(String bid, String to) {
    return PgCalls.autocommit(db, "marking a batch successful", c -> sql.markSuccess(c, bid, to));
  }

  @Override
  public boolean callbackDone(String bid, Callback callback, Instant now) {
    return PgCalls.autocommit(
        db, "recording a batch callback", c -> sql.callbackDone(c, bid, callback, now));
  }

  @Override
  public List<String> unsettled(String after, int limit) {
    return PgCalls.autocommit(db, "listing unsettled batches", c -> sql.unsettled(c, after, limit));
  }

  @Override
  public List<String> expire(Instant now, int limit) {
    return PgCalls.transaction(db, "expiring batches", c -> sql.expire(c, now, limit));
  }

  @Override
  public List<String> closeStaleReopens(Instant now, int limit) {
    return PgCalls.transaction(
        db, "closing re-opened batches", c -> sql.closeStaleReopens(c, now, limit));
  }

  @Override
  public int purge(Instant before, int limit) {
    return PgCalls.transaction(db, "purging batches", c -> sql.purge(c, before, limit));
  }

  /** Members page by page (each page settled in its own short transaction), then callbacks. */
  @Override
  public int settleVanished(Instant joinedBefore) {
    int moved = vanished.recover(steps, joinedBefore, RECOVERY_PAGE);
    for (CallbackKey k : vanishedCallbacks()) {
      if (callbackDone(k.bid(), k.which(), joinedBefore)) {
        moved++;
      }
    }
    return moved;
  }

  /**
   * Any number of nodes may run this at once: each judges on its own snapshot and moves a member
   * only from {@code pending}, so of two nodes settling the same member one changes the row.
   */
  @Override
  public VanishedPage settleVanishedPage(MemberKey after, Instant joinedBefore, int limit) {
    return vanished.page(steps, after, joinedBefore, limit);
  }

  @Override
  public List<CallbackKey> vanishedCallbacks() {
    return PgCalls.autocommit(db, "looking for batch callbacks' jobs", callbacks::vanished);
  }

  @Override
  public BatchCounts counts() {
    return PgCalls.autocommit(db, "counting batches", sql::counts);
  }
}
