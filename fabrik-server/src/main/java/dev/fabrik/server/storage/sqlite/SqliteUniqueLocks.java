package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueLock;
import dev.fabrik.server.unique.UniqueLocks;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Unique locks in the {@code unique_locks} table, claimed by the writer inside the same transaction
 * as the job inserts they guard, so a lock and its job commit (or roll back) together and survive a
 * crash together. Times are epoch microseconds, like set scores.
 *
 * <p>The table is append-only by row id and its index by key lives in the writer's memory (rebuilt
 * from the table when the store opens, as the queues are), because the keys are hashes: a B-tree
 * keyed by them takes every insert on a random page, and a group commit of 50 unique pushes then
 * wrote about 50 pages to the WAL instead of a few (unique pushes ran at a fifth of plain ones,
 * UniquePushBench). Only the writer thread reads or changes the index, so the writer's order is the
 * claims' order; changes of a transaction stay {@code pending} until it commits and are dropped if
 * it rolls back. (A database shared by several nodes would instead upsert on a key index in the
 * transaction: {@code ON CONFLICT (key) DO UPDATE ... WHERE expires_at <= now}.)
 */
final class SqliteUniqueLocks implements UniqueLocks {

  static final String TABLE =
      "CREATE TABLE IF NOT EXISTS unique_locks("
          + "id INTEGER PRIMARY KEY, key TEXT NOT NULL, jid TEXT NOT NULL,"
          + " expires_at INTEGER NOT NULL)";

  /** A lock as the index holds it: its row and owner. */
  private record Row(long id, String jid, Instant expiresAt) {}

  /** A lock deleted by a transaction that has not committed yet. */
  private static final Row DELETED = new Row(-1, "", Instant.MIN);

  private final GroupCommitWriter writer;
  private final BiFunction<List<QueuedJob>, List<SetEntry>, WriteOp<Void>> push;

  // Owned by the writer thread.
  private final Map<String, Row> committed = new HashMap<>();
  private final Map<String, Row> pending = new HashMap<>();
  private long nextId;

  /**
   * Loads the index from the table.
   *
   * @param push the store's own PUSHB write, run for the jobs whose claims won
   */
  SqliteUniqueLocks(
      GroupCommitWriter writer, BiFunction<List<QueuedJob>, List<SetEntry>, WriteOp<Void>> push) {
    this.writer = writer;
    this.push = push;
    writer.write(
        tx -> {
          try (ResultSet rs =
              tx.prepare("SELECT id, key, jid, expires_at FROM unique_locks").executeQuery()) {
            while (rs.next()) {
              long id = rs.getLong(1);
              committed.put(
                  rs.getString(2), new Row(id, rs.getString(3), SetTables.instant(rs.getLong(4))));
              nextId = Math.max(nextId, id + 1);
            }
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Set<String>> pushAsync(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    List<QueuedJob> jobList = List.copyOf(jobs);
    List<SetEntry> entryList = List.copyOf(entries);
    List<UniqueClaim> claimList = List.copyOf(claims);
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
          for (UniqueClaim c : claimList) {
            Row held = lookup(c.key());
            if (held != null && held.expiresAt().isAfter(now)) {
              refused.add(c.jid());
              continue;
            }
            if (held != null) {
              delete(tx, held.id());
            }
            Row row = new Row(nextId++, c.jid(), c.expiresAt());
            // Beside the batch's held-back job inserts, which stay batched.
            PreparedStatement ps =
                tx.prepareBesideJobs(
                    "INSERT INTO unique_locks(id, key, jid, expires_at) VALUES (?, ?, ?, ?)");
            ps.setLong(1, row.id());
            ps.setString(2, c.key());
            ps.setString(3, c.jid());
            ps.setLong(4, SetTables.micros(c.expiresAt()));
            ps.executeUpdate();
            stage(tx, c.key(), row);
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

  /** The lock on {@code key} as this transaction sees it; null when there is none. */
  private Row lookup(String key) {
    Row row = pending.get(key);
    if (row == null) {
      return committed.get(key);
    }
    return row == DELETED ? null : row;
  }

  /** Records a change of the transaction; it reaches {@code committed} when the commit did. */
  private void stage(Tx tx, String key, Row row) {
    pending.put(key, row);
    tx.onCommit(
        () -> {
          if (row == DELETED) {
            committed.remove(key);
          } else {
            committed.put(key, row);
          }
          pending.remove(key, row);
        });
  }

  private static void delete(Tx tx, long id) throws SQLException {
    PreparedStatement ps = tx.prepareBesideJobs("DELETE FROM unique_locks WHERE id = ?");
    ps.setLong(1, id);
    ps.executeUpdate();
  }

  /** The writer rolled a transaction back: its changes never happened. Writer thread. */
  void afterRollback() {
    pending.clear();
  }

  /** The store's FLUSH deletes the table in {@code tx}: every lock goes with it. Writer thread. */
  void flushed(Tx tx) {
    Set<String> keys = new HashSet<>(committed.keySet());
    keys.addAll(pending.keySet());
    for (String key : keys) {
      stage(tx, key, DELETED);
    }
  }

  @Override
  public CompletableFuture<Boolean> releaseAsync(String key, String jid) {
    return writer.submitAsync(
        tx -> {
          Row held = lookup(key);
          if (held == null || !held.jid().equals(jid)) {
            return false;
          }
          delete(tx, held.id());
          stage(tx, key, DELETED);
          return true;
        },
        1,
        0);
  }

  @Override
  public int purgeExpired(Instant now, int limit) {
    return writer.write(
        tx -> {
          List<String> expired = new ArrayList<>();
          for (Map.Entry<String, Row> e : committed.entrySet()) {
            if (expired.size() >= limit) {
              break;
            }
            Row row = lookup(e.getKey());
            if (row != null && !row.expiresAt().isAfter(now)) {
              expired.add(e.getKey());
            }
          }
          for (String key : expired) {
            delete(tx, lookup(key).id());
            stage(tx, key, DELETED);
          }
          return expired.size();
        },
        limit,
        0);
  }

  @Override
  public Optional<UniqueLock> find(String key) {
    return writer.write(
        tx -> {
          Row row = lookup(key);
          return row == null
              ? Optional.empty()
              : Optional.of(new UniqueLock(key, row.jid(), row.expiresAt()));
        });
  }

  @Override
  public long size() {
    return writer.write(
        tx -> {
          long size = committed.size();
          for (Map.Entry<String, Row> e : pending.entrySet()) {
            boolean before = committed.containsKey(e.getKey());
            boolean after = e.getValue() != DELETED;
            size += (after ? 1 : 0) - (before ? 1 : 0);
          }
          return size;
        });
  }
}
