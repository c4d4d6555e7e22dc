package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.batch.BatchRefusals;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a PUSH into a batch store its job only if the job is still a member when it is stored. A
 * PUSH records the membership ({@code BatchStore.join}) and then stores the job: two writer ops. A
 * FLUSH, a batch's expiry or a COMMIT can run between them, and the job would then be stored as a
 * plain job whose {@code custom.bid} names a batch that is gone (or that never counted it). So the
 * join op notes {@code jid → bid} here, and the op that stores the job checks, in its own
 * transaction, that the member row is there:
 *
 * <pre>
 * SELECT 1 FROM batch_members WHERE bid = ? AND jid = ?   -- none: the whole op fails with
 *   -ERR unknown batch b-... (expired, flushed, or never created)   (or "... is committed")
 * </pre>
 *
 * Only jids noted here are checked (one map lookup per job otherwise, none while the map is empty),
 * and only when the payload names that same bid, so a note left by a PUSH that failed never refuses
 * another job. Notes go when the op storing the job commits, or when the member leaves. Confined to
 * the writer thread: every method runs inside a write op.
 */
final class BatchJoins {
  private static final String MEMBER = "SELECT 1 FROM batch_members WHERE bid = ? AND jid = ?";
  private static final String BATCH = "SELECT open FROM batches WHERE bid = ?";

  private final Map<String, String> joining = new HashMap<>();

  /** In the join op: the job {@code jid} of {@code bid} is about to be stored. */
  void joining(String bid, String jid) {
    joining.put(jid, bid);
  }

  /** In the leave op: the PUSH was refused; nothing of it will be stored. */
  void left(String bid, String jid) {
    joining.remove(jid, bid);
  }

  /**
   * {@code op}, storing the jobs and set entries of a PUSH, preceded by the membership check of
   * every job it stores that joined a batch.
   */
  <T> WriteOp<T> checked(List<QueuedJob> jobs, List<SetEntry> entries, WriteOp<T> op) {
    return tx -> {
      if (!joining.isEmpty()) {
        for (QueuedJob j : jobs) {
          check(tx, j.jid(), j.payload());
        }
        for (SetEntry e : entries) {
          check(tx, e.jid(), e.payload());
        }
      }
      return op.apply(tx);
    };
  }

  /**
   * {@code op}, storing jobs that are not a PUSH (a workflow releasing held jobs): no check (the
   * job was accepted long ago), only the notes go.
   */
  <T> WriteOp<T> unchecked(List<QueuedJob> jobs, List<SetEntry> entries, WriteOp<T> op) {
    return tx -> {
      if (!joining.isEmpty()) {
        jobs.forEach(j -> forgetOnCommit(tx, j.jid()));
        entries.forEach(e -> forgetOnCommit(tx, e.jid()));
      }
      return op.apply(tx);
    };
  }

  private void check(Tx tx, String jid, byte[] payload) throws SQLException {
    String bid = joining.get(jid);
    if (bid == null) {
      return;
    }
    if (bid.equals(BatchRefusals.bidOf(payload)) && !exists(tx, MEMBER, bid, jid)) {
      throw exists(tx, BATCH, bid) ? BatchRefusals.committed(bid) : BatchRefusals.unknown(bid);
    }
    forgetOnCommit(tx, jid);
  }

  /** The note goes once the job is stored; a rollback keeps it for the op's run on its own. */
  private void forgetOnCommit(Tx tx, String jid) {
    String bid = joining.get(jid);
    if (bid != null) {
      tx.onCommit(() -> joining.remove(jid, bid));
    }
  }

  private static boolean exists(Tx tx, String sql, String... params) throws SQLException {
    PreparedStatement ps = tx.prepareBesideJobs(sql);
    for (int i = 0; i < params.length; i++) {
      ps.setString(i + 1, params[i]);
    }
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }
}
