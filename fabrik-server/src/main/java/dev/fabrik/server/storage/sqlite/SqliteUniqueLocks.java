package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueLock;
import dev.fabrik.server.unique.UniqueLocks;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Unique locks in the {@code unique_locks} table, one row per job identity. A claim is an upsert
 * that only overwrites an expired row, run by the writer inside the same transaction as the job
 * inserts it guards, so a lock and its job commit (or roll back) together and survive a crash
 * together. Times are epoch microseconds, like set scores.
 */
final class SqliteUniqueLocks implements UniqueLocks {

  static final String TABLE =
      "CREATE TABLE IF NOT EXISTS unique_locks("
          + "key TEXT PRIMARY KEY, jid TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID";

  static final String EXPIRY_INDEX =
      "CREATE INDEX IF NOT EXISTS unique_locks_by_expiry ON unique_locks(expires_at)";

  /** Inserts, or takes over a row whose lock expired; 0 rows changed means "held by another". */
  private static final String CLAIM =
      "INSERT INTO unique_locks(key, jid, expires_at) VALUES (?, ?, ?)"
          + " ON CONFLICT(key) DO UPDATE SET jid = excluded.jid, expires_at = excluded.expires_at"
          + " WHERE unique_locks.expires_at <= ?";

  private final GroupCommitWriter writer;
  private final BiFunction<List<QueuedJob>, List<SetEntry>, WriteOp<Void>> push;

  /**
   * @param push the store's own PUSHB write, run for the jobs whose claims won
   */
  SqliteUniqueLocks(
      GroupCommitWriter writer, BiFunction<List<QueuedJob>, List<SetEntry>, WriteOp<Void>> push) {
    this.writer = writer;
    this.push = push;
  }

  @Override
  public CompletableFuture<Set<String>> pushAsync(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    List<QueuedJob> jobList = List.copyOf(jobs);
    List<SetEntry> entryList = List.copyOf(entries);
    List<UniqueClaim> claimList = List.copyOf(claims);
    long nowMicros = SetTables.micros(now);
    long bytes = 0;
    for (QueuedJob j : jobList) {
      bytes += j.payload().length;
    }
    for (SetEntry e : entryList) {
      bytes += e.payload().length;
    }
    return writer.submitAsync(
        tx -> {
          Set<String> refused = new HashSet<>();
          // The claims go beside the batch's held-back job inserts, which stay batched.
          PreparedStatement ps = tx.prepareBesideJobs(CLAIM);
          for (UniqueClaim c : claimList) {
            ps.setString(1, c.key());
            ps.setString(2, c.jid());
            ps.setLong(3, SetTables.micros(c.expiresAt()));
            ps.setLong(4, nowMicros);
            if (ps.executeUpdate() == 0) {
              refused.add(c.jid());
            }
          }
          push.apply(
                  without(jobList, refused, QueuedJob::jid),
                  without(entryList, refused, SetEntry::jid))
              .apply(tx);
          return Set.copyOf(refused);
        },
        jobList.size() + entryList.size() + claimList.size(),
        bytes);
  }

  private static <T> List<T> without(List<T> items, Set<String> refused, Function<T, String> jid) {
    if (refused.isEmpty()) {
      return items;
    }
    List<T> kept = new ArrayList<>(items.size());
    for (T item : items) {
      if (!refused.contains(jid.apply(item))) {
        kept.add(item);
      }
    }
    return kept;
  }

  @Override
  public CompletableFuture<Boolean> releaseAsync(String key, String jid) {
    return writer.submitAsync(
        tx -> {
          PreparedStatement ps =
              tx.prepareBesideJobs("DELETE FROM unique_locks WHERE key = ? AND jid = ?");
          ps.setString(1, key);
          ps.setString(2, jid);
          return ps.executeUpdate() > 0;
        },
        1,
        0);
  }

  @Override
  public int purgeExpired(Instant now, int limit) {
    return writer.write(
        tx -> {
          PreparedStatement ps =
              tx.prepare(
                  "DELETE FROM unique_locks WHERE key IN (SELECT key FROM unique_locks"
                      + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)");
          ps.setLong(1, SetTables.micros(now));
          ps.setInt(2, limit);
          return ps.executeUpdate();
        },
        limit,
        0);
  }

  @Override
  public Optional<UniqueLock> find(String key) {
    return writer.write(
        tx -> {
          PreparedStatement ps =
              tx.prepare("SELECT jid, expires_at FROM unique_locks WHERE key = ?");
          ps.setString(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next()
                ? Optional.of(
                    new UniqueLock(key, rs.getString(1), SetTables.instant(rs.getLong(2))))
                : Optional.empty();
          }
        });
  }

  @Override
  public long size() {
    return writer.write(
        tx -> {
          try (ResultSet rs = tx.prepare("SELECT count(*) FROM unique_locks").executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }
}
