package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.CommandException;
import dev.fabrik.server.batch.BatchRefusals;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Makes a PUSH into a batch store its job only if the job is still a member when its transaction
 * commits. A PUSH records the membership ({@code BatchStore.join}, committed at once) and then
 * stores the job in a group-commit transaction of its own; a FLUSH, an expiry or a COMMIT on any
 * node may come between the two, and the job would be stored as a plain job naming a batch that is
 * gone (or that never counted it). So the join notes {@code jid → bid} here, and the transaction
 * storing the job first locks the member rows of the noted jobs it carries, one statement for the
 * whole group:
 *
 * <pre>
 * SELECT m.jid FROM batch_members m
 *   JOIN unnest($jids::text[], $bids::text[]) AS t(j, b) ON m.bid = t.b AND m.jid = t.j
 *   FOR KEY SHARE OF m      -- a FLUSH, expiry or purge deleting the row waits for our COMMIT
 * </pre>
 *
 * The group commit ({@link PgGroupCommit}) and the unique pushes' ({@link PgUniquePushes}, before
 * they claim their keys) run it. A noted job whose row is missing refuses its PUSH ({@code -ERR
 * unknown batch ...} or {@code -ERR batch ... is committed}) and nothing of that PUSH is stored;
 * the other PUSHes of the group commit as usual. Jobs not noted cost one map lookup each, and
 * nothing at all while no join is pending. Only a job whose payload names that same bid is checked,
 * so a note left by a PUSH that failed never refuses another job. Notes go when the job's
 * transaction commits or its member leaves; a note that neither happened to (a PUSH refused at its
 * join) is dropped after {@link #STALE_NANOS} once many have piled up.
 */
final class PgBatchJoins {
  /** A note older than this belongs to a PUSH that ended long ago. */
  static final long STALE_NANOS = 60_000_000_000L;

  /** How many notes may pile up before the stale ones are swept. */
  static final int SWEEP_ABOVE = 10_000;

  private record Note(String bid, long at) {}

  private final ConcurrentHashMap<String, Note> joining = new ConcurrentHashMap<>();
  private final LongSupplier nanos;
  private final String lockMembers;
  private final String batchesFound;

  PgBatchJoins(PgDatabase db, LongSupplier nanos) {
    this.nanos = nanos;
    this.lockMembers =
        db.sql(
            "SELECT m.jid FROM {s}.batch_members m"
                + " JOIN unnest(?::text[], ?::text[]) AS t(j, b) ON m.bid = t.b AND m.jid = t.j"
                + " FOR KEY SHARE OF m");
    this.batchesFound = db.sql("SELECT bid FROM {s}.batches WHERE bid = ANY(?::text[])");
  }

  /** The job {@code jid} of {@code bid} is about to be stored (noted before the join's insert). */
  void joining(String bid, String jid) {
    if (joining.size() >= SWEEP_ABOVE) {
      long oldest = nanos.getAsLong() - STALE_NANOS;
      joining.values().removeIf(n -> n.at() - oldest < 0);
    }
    joining.put(jid, new Note(bid, nanos.getAsLong()));
  }

  /** The PUSH was refused; nothing of it will be stored. */
  void left(String bid, String jid) {
    joining.computeIfPresent(jid, (j, n) -> n.bid().equals(bid) ? null : n);
  }

  /** Whether {@code jid} joined a batch and its job is not stored yet. */
  boolean noted(String jid) {
    return !joining.isEmpty() && joining.containsKey(jid);
  }

  /**
   * In the transaction about to store {@code pushes} (each a PUSH's jobs and set entries, as {@code
   * jobsOf} and {@code entriesOf} give them): locks the member rows of their noted jobs until
   * COMMIT and returns the refusal of each PUSH (by its index) one of whose jobs is no longer a
   * member. Empty (no statement) when no job is noted.
   */
  <P> Map<Integer, CommandException> refusals(
      Connection c,
      List<P> pushes,
      Function<P, List<QueuedJob>> jobsOf,
      Function<P, List<SetEntry>> entriesOf)
      throws SQLException {
    if (joining.isEmpty()) {
      return Map.of();
    }
    List<String> jids = new ArrayList<>();
    List<String> bids = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int i = 0; i < pushes.size(); i++) {
      P p = pushes.get(i);
      for (QueuedJob j : jobsOf.apply(p)) {
        collect(j.jid(), j.payload(), i, jids, bids, owners);
      }
      for (SetEntry e : entriesOf.apply(p)) {
        collect(e.jid(), e.payload(), i, jids, bids, owners);
      }
    }
    if (jids.isEmpty()) {
      return Map.of();
    }
    Set<String> members = new HashSet<>();
    try (PreparedStatement p = c.prepareStatement(lockMembers)) {
      p.setArray(1, c.createArrayOf("text", jids.toArray(String[]::new)));
      p.setArray(2, c.createArrayOf("text", bids.toArray(String[]::new)));
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          members.add(rs.getString(1));
        }
      }
    }
    Map<Integer, String> missing = new HashMap<>();
    for (int i = 0; i < jids.size(); i++) {
      if (!members.contains(jids.get(i))) {
        missing.putIfAbsent(owners.get(i), bids.get(i));
      }
    }
    if (missing.isEmpty()) {
      return Map.of();
    }
    Set<String> present = present(c, missing.values());
    Map<Integer, CommandException> refused = new HashMap<>();
    missing.forEach(
        (push, bid) ->
            refused.put(
                push,
                present.contains(bid) ? BatchRefusals.committed(bid) : BatchRefusals.unknown(bid)));
    return refused;
  }

  /** After the COMMIT that stored them: the jobs are stored, their notes go. */
  void stored(List<QueuedJob> jobs, List<SetEntry> entries) {
    if (joining.isEmpty()) {
      return;
    }
    jobs.forEach(j -> joining.remove(j.jid()));
    entries.forEach(e -> joining.remove(e.jid()));
  }

  private void collect(
      String jid,
      byte[] payload,
      int owner,
      List<String> jids,
      List<String> bids,
      List<Integer> owners) {
    Note n = joining.get(jid);
    if (n != null && n.bid().equals(BatchRefusals.bidOf(payload))) {
      jids.add(jid);
      bids.add(n.bid());
      owners.add(owner);
    }
  }

  /** Which of {@code bids} still have their batch row (a missing member then means committed). */
  private Set<String> present(Connection c, java.util.Collection<String> bids) throws SQLException {
    Set<String> found = new HashSet<>();
    try (PreparedStatement p = c.prepareStatement(batchesFound)) {
      p.setArray(1, c.createArrayOf("text", new HashSet<>(bids).toArray(String[]::new)));
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    return found;
  }
}
