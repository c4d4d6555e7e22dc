package dev.fabrik.server.storage.sqlite;

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
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.storage.VanishedCallbackSql;
import dev.fabrik.server.storage.VanishedMemberSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Batches in their own tables ({@link BatchSql}), every call one operation on the store's {@link
 * GroupCommitWriter}: applied in call order, group-committed with the jobs around it. A member's
 * row is submitted before its job's insert (the manager reports the push first), so a crash never
 * keeps the job without its membership. A callback's state and its job are one write op ({@link
 * #fire}), so they commit together.
 */
final class SqliteBatchStore implements BatchStore {
  /** Members crash recovery judges per lookup: one scan of each job table per page. */
  private static final int RECOVERY_PAGE = 100_000;

  /**
   * About how many rows a vanished page's compare-and-sets write (the writer bounds its groups).
   */
  private static final int SETTLE_ROWS = 5000;

  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final BatchSql sql = new BatchSql("", false);
  private final VanishedMemberSql vanished = new VanishedMemberSql("", false);
  private final VanishedCallbackSql callbacks = new VanishedCallbackSql("", false);
  private final VanishedMemberSql.Runner offWriter;
  private final Function<List<QueuedJob>, WriteOp<Void>> insertJobs;
  private final BatchJoins joins;

  /**
   * @param insertJobs the store's own insert of queued jobs, applied inside a batch write op
   * @param joins where a join is noted, so the op storing the PUSH's job checks its membership
   */
  SqliteBatchStore(
      GroupCommitWriter writer,
      ReaderPool readers,
      Function<List<QueuedJob>, WriteOp<Void>> insertJobs,
      BatchJoins joins) {
    this.writer = writer;
    this.readers = readers;
    this.insertJobs = insertJobs;
    this.joins = joins;
    this.offWriter =
        new VanishedMemberSql.Runner() {
          @Override
          public <T> T read(VanishedMemberSql.Step<T> step) {
            return readers.read(step::run);
          }

          @Override
          public <T> T write(VanishedMemberSql.Step<T> step) {
            return writer.write(tx -> step.run(tx.connection()), SETTLE_ROWS, 0);
          }
        };
    writer.write(
        tx -> {
          try (Statement s = tx.connection().createStatement()) {
            for (String ddl : BatchSql.sqliteDdl()) {
              s.execute(ddl);
            }
          }
          return null;
        });
  }

  @Override
  public void create(BatchRecord batch) {
    writer.write(
        tx -> {
          sql.create(tx.connection(), batch);
          return null;
        });
  }

  @Override
  public Optional<BatchRecord> get(String bid) {
    return writer.write(tx -> sql.get(tx.connection(), bid, true));
  }

  @Override
  public Optional<BatchRecord> row(String bid) {
    return writer.write(tx -> sql.get(tx.connection(), bid, false));
  }

  @Override
  public List<BatchRecord> list(Instant before, int limit) {
    return writer.write(tx -> sql.list(tx.connection(), before, limit));
  }

  @Override
  public List<String> members(String bid, MemberState state, int limit) {
    return writer.write(tx -> sql.members(tx.connection(), bid, state, limit));
  }

  @Override
  public boolean reopen(String bid, Instant expiresAt) {
    return writer.write(tx -> sql.reopen(tx.connection(), bid, expiresAt));
  }

  @Override
  public boolean commit(String bid) {
    return writer.write(tx -> sql.commit(tx.connection(), bid));
  }

  @Override
  public CompletableFuture<Boolean> join(String bid, String jid, Instant now) {
    return writer.submitAsync(
        tx -> {
          joins.joining(bid, jid);
          return sql.join(tx.connection(), bid, jid, now);
        },
        1,
        0);
  }

  @Override
  public void leave(String bid, String jid) {
    writer.write(
        tx -> {
          sql.leave(tx.connection(), bid, jid);
          joins.left(bid, jid);
          return null;
        });
  }

  @Override
  public boolean finish(String bid, String jid, MemberState state) {
    return writer.write(tx -> sql.finish(tx.connection(), bid, jid, state));
  }

  @Override
  public java.util.Set<String> finishAll(
      java.util.List<dev.fabrik.server.batch.MemberOutcome> all) {
    return writer.write(
        tx -> {
          java.util.Set<String> moved = new java.util.LinkedHashSet<>();
          for (var o : all) {
            if (sql.finish(tx.connection(), o.bid(), o.jid(), o.state())) {
              moved.add(o.bid());
            }
          }
          return moved;
        },
        all.size(),
        0);
  }

  @Override
  public boolean markComplete(String bid, String to, Instant now) {
    return writer.write(tx -> sql.markComplete(tx.connection(), bid, to, now));
  }

  @Override
  public boolean fire(String bid, Callback which, QueuedJob job, Instant now) {
    WriteOp<Void> insert = insertJobs.apply(List.of(job));
    return writer.write(
        tx -> {
          if (!sql.markFired(tx.connection(), bid, which, now)) {
            return false;
          }
          insert.apply(tx);
          return true;
        },
        2,
        job.payload().length);
  }

  @Override
  public boolean markSuccess(String bid, String to) {
    return writer.write(tx -> sql.markSuccess(tx.connection(), bid, to));
  }

  @Override
  public boolean callbackDone(String bid, Callback callback, Instant now) {
    return writer.write(tx -> sql.callbackDone(tx.connection(), bid, callback, now));
  }

  @Override
  public List<String> unsettled(String after, int limit) {
    return writer.write(tx -> sql.unsettled(tx.connection(), after, limit));
  }

  @Override
  public List<String> expire(Instant now, int limit) {
    return writer.write(tx -> sql.expire(tx.connection(), now, limit));
  }

  @Override
  public List<String> closeStaleReopens(Instant now, int limit) {
    return writer.write(tx -> sql.closeStaleReopens(tx.connection(), now, limit));
  }

  @Override
  public int purge(Instant before, int limit) {
    return writer.write(tx -> sql.purge(tx.connection(), before, limit));
  }

  /**
   * One writer op, as before the lookups were paged: nothing the writer applies (a join, the job of
   * its PUSH, an ACK's outcome) falls between a page's lookup and its compare-and-sets.
   */
  @Override
  public int settleVanished(Instant joinedBefore) {
    return writer.write(
        tx -> {
          Connection c = tx.connection();
          int moved = vanished.recover(on(c), joinedBefore, RECOVERY_PAGE);
          for (CallbackKey k : callbacks.vanished(c)) {
            if (sql.callbackDone(c, k.bid(), k.which(), joinedBefore)) {
              moved++;
            }
          }
          return moved;
        });
  }

  /**
   * Candidates and their whereabouts are read on a reader (the scan of the job tables stays off the
   * writer, which every PUSH and ACK waits for); only the compare-and-sets go through the writer.
   */
  @Override
  public VanishedPage settleVanishedPage(MemberKey after, Instant joinedBefore, int limit) {
    return vanished.page(offWriter, after, joinedBefore, limit);
  }

  /** On a reader: the scans never hold up the writer. */
  @Override
  public List<CallbackKey> vanishedCallbacks() {
    return readers.read(callbacks::vanished);
  }

  /** Every step on {@code c}, the writer's connection inside one of its ops. */
  private static VanishedMemberSql.Runner on(Connection c) {
    return new VanishedMemberSql.Runner() {
      @Override
      public <T> T read(VanishedMemberSql.Step<T> step) {
        return write(step);
      }

      @Override
      public <T> T write(VanishedMemberSql.Step<T> step) {
        try {
          return step.run(c);
        } catch (SQLException e) {
          throw new StorageException("recovering batch members", e);
        }
      }
    };
  }

  @Override
  public BatchCounts counts() {
    // A metrics scrape reads these: on a reader, so it neither waits behind nor adds a commit.
    return readers.read(c -> sql.counts(c));
  }
}
