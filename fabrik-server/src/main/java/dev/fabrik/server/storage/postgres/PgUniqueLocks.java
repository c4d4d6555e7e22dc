package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueLock;
import dev.fabrik.server.unique.UniqueLocks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unique locks in {@code {s}.unique_locks}, one row per key. Pushes take their claims and store the
 * jobs that won in ONE transaction, so a lock is committed exactly when its job is, on whichever
 * node (pushes arriving together share that transaction: {@link PgUniquePushes}):
 *
 * <pre>
 * BEGIN;
 * INSERT INTO fabrik.unique_locks AS l (key, jid, expires_us, taken_us)
 *   SELECT k, j, e, t FROM unnest($keys, $jids, $expiries, $nows) AS c(k, j, e, t) ORDER BY k
 *   ON CONFLICT (key) DO UPDATE SET jid = excluded.jid, expires_us = excluded.expires_us,
 *                                   taken_us = excluded.taken_us
 *     WHERE l.expires_us &lt;= excluded.taken_us   -- held only by a lock expired at the push's now
 *   RETURNING key;                               -- the claims that won
 * INSERT INTO fabrik.jobs ...;                   -- the winners' jobs and set entries (PgInserts)
 * COMMIT;
 * </pre>
 *
 * Two nodes claiming one key: the second's upsert waits on the first's row lock, then sees its
 * committed lock and updates nothing (or, if the first rolled back, inserts). Keys are claimed in
 * sorted order so two transactions never wait on each other in a cycle. A key claimed twice in one
 * batch goes to PostgreSQL once (an upsert may not touch a row twice); its later claims are
 * refused.
 *
 * <p>On one node, writes run in call order per key ({@link KeyOrderedWrites}): a release that the
 * FETCH of a {@code unique_until: start} job left running lands before a push of the same key that
 * follows the FETCH's reply.
 */
final class PgUniqueLocks implements UniqueLocks {
  private static final Logger LOG = LoggerFactory.getLogger(PgUniqueLocks.class);

  private final PgDatabase db;
  private final BiConsumer<String, Integer> enqueued;
  private final KeyOrderedWrites writes;
  private final PgUniquePushes pushes;

  private final String claim;
  private final String release;
  private final String purge;
  private final String find;
  private final String size;

  /**
   * @param enqueued told (queue, count) after a commit stored jobs in a queue
   */
  PgUniqueLocks(
      PgDatabase db, PgInserts inserts, PgBatchJoins joins, BiConsumer<String, Integer> enqueued) {
    this(db, inserts, joins, enqueued, KeyOrderedWrites.onVirtualThreads("fabrik-pg-unique"));
  }

  /**
   * @param enqueued told (queue, count) after a commit stored jobs in a queue
   * @param writes where the pushes and releases run, in call order per key
   */
  PgUniqueLocks(
      PgDatabase db,
      PgInserts inserts,
      PgBatchJoins joins,
      BiConsumer<String, Integer> enqueued,
      KeyOrderedWrites writes) {
    this.db = db;
    this.enqueued = enqueued;
    this.writes = writes;
    this.pushes =
        new PgUniquePushes(
            db,
            inserts,
            this::claim,
            joins,
            this::tellEnqueued,
            Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("fabrik-pg-unique-push-", 0).factory()));
    claim =
        db.sql(
            "INSERT INTO {s}.unique_locks AS l (key, jid, expires_us, taken_us)"
                + " SELECT k, j, e, t FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])"
                + " AS c(k, j, e, t) ORDER BY k"
                + " ON CONFLICT (key) DO UPDATE SET jid = excluded.jid,"
                + " expires_us = excluded.expires_us, taken_us = excluded.taken_us"
                + " WHERE l.expires_us <= excluded.taken_us"
                + " RETURNING key");
    release = db.sql("DELETE FROM {s}.unique_locks WHERE key = ? AND jid = ?");
    // SKIP LOCKED: purgers of several nodes take different locks, and never wait on a push that
    // is taking an expired lock over.
    purge =
        db.sql(
            "DELETE FROM {s}.unique_locks WHERE key IN (SELECT key FROM {s}.unique_locks"
                + " WHERE expires_us <= ? ORDER BY expires_us LIMIT ? FOR UPDATE SKIP LOCKED)");
    find = db.sql("SELECT jid, expires_us FROM {s}.unique_locks WHERE key = ?");
    size = db.sql("SELECT count(*) FROM {s}.unique_locks");
  }

  @Override
  public CompletableFuture<Set<String>> pushAsync(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    List<QueuedJob> jobList = List.copyOf(jobs);
    List<SetEntry> entryList = List.copyOf(entries);
    List<UniqueClaim> claimList = List.copyOf(claims);
    List<String> keys = claimList.stream().map(UniqueClaim::key).toList();
    return writes.submitAsync(keys, () -> pushes.submit(jobList, entryList, claimList, now));
  }

  /** Runs the claiming upsert (see the class comment); returns the keys it took. */
  private Set<String> claim(Connection c, List<UniqueClaim> claims, List<Instant> nows)
      throws SQLException {
    if (claims.isEmpty()) {
      return Set.of();
    }
    int n = claims.size();
    String[] keys = new String[n];
    String[] jids = new String[n];
    Long[] expiries = new Long[n];
    Long[] taken = new Long[n];
    for (int i = 0; i < n; i++) {
      UniqueClaim claim = claims.get(i);
      keys[i] = claim.key();
      jids[i] = claim.jid();
      expiries[i] = PgTime.micros(claim.expiresAt());
      taken[i] = PgTime.micros(nows.get(i));
    }
    Set<String> won = new HashSet<>();
    try (PreparedStatement p = c.prepareStatement(claim)) {
      p.setArray(1, c.createArrayOf("text", keys));
      p.setArray(2, c.createArrayOf("text", jids));
      p.setArray(3, c.createArrayOf("int8", expiries));
      p.setArray(4, c.createArrayOf("int8", taken));
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          won.add(rs.getString(1));
        }
      }
    }
    return won;
  }

  /** Wakes this node's waiting FETCHes (the others hear the trigger's NOTIFY). */
  private void tellEnqueued(List<QueuedJob> stored) {
    Map<String, Integer> perQueue = new LinkedHashMap<>();
    for (QueuedJob j : stored) {
      perQueue.merge(j.queue(), 1, Integer::sum);
    }
    perQueue.forEach(
        (queue, count) -> {
          try {
            enqueued.accept(queue, count);
          } catch (RuntimeException e) {
            // The jobs are committed; a missed local wake-up only delays a FETCH until the
            // NOTIFY or the poll.
            LOG.warn("could not wake the FETCHes waiting on queue {}", queue, e);
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> releaseAsync(String key, String jid) {
    return writes.submit(
        List.of(key),
        () ->
            PgCalls.autocommit(
                db,
                "releasing a unique lock",
                c -> {
                  // DELETE FROM fabrik.unique_locks WHERE key = $key AND jid = $jid
                  try (PreparedStatement p = c.prepareStatement(release)) {
                    p.setString(1, key);
                    p.setString(2, jid);
                    return p.executeUpdate() == 1;
                  }
                }));
  }

  @Override
  public int purgeExpired(Instant now, int limit) {
    return PgCalls.autocommit(
        db,
        "purging expired unique locks",
        c -> {
          try (PreparedStatement p = c.prepareStatement(purge)) {
            p.setLong(1, PgTime.micros(now));
            p.setInt(2, limit);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public Optional<UniqueLock> find(String key) {
    writes.awaitDrained(List.of(key));
    return PgCalls.autocommit(
        db,
        "reading a unique lock",
        c -> {
          try (PreparedStatement p = c.prepareStatement(find)) {
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next()
                  ? Optional.of(new UniqueLock(key, rs.getString(1), PgTime.instant(rs.getLong(2))))
                  : Optional.empty();
            }
          }
        });
  }

  @Override
  public long size() {
    writes.drainedAll().join();
    return PgCalls.autocommit(
        db,
        "counting unique locks",
        c -> {
          try (PreparedStatement p = c.prepareStatement(size);
              ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }
}
