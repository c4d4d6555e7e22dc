package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.storage.QueuedJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cron state in {@code {s}.cron_ticks} (per entry: last tick, last job, paused) and the API's
 * entries in {@code {s}.cron_entries}. Every node runs a cron service; a tick fires once because
 * claiming it is a compare-and-set of the entry's last tick, committed together with its job:
 *
 * <pre>
 * BEGIN;
 * UPDATE fabrik.cron_ticks SET last_tick_us = $tick, last_jid = ..., last_run_us = ...
 *  WHERE entry_id = $id AND last_tick_us = $expected AND NOT paused;   -- 1 row: this node won
 * INSERT INTO fabrik.jobs ...;                                         -- only if it did
 * COMMIT;
 * </pre>
 *
 * A second node's UPDATE waits on the first's row lock, then re-reads the row, finds the new last
 * tick and updates nothing. The calls are synchronous: the cron service runs them on its own
 * thread.
 */
final class PgCronStore implements CronStore {
  private static final Logger LOG = LoggerFactory.getLogger(PgCronStore.class);
  private static final String COLUMNS = "entry_id, last_tick_us, last_jid, last_run_us, paused";

  private final PgDatabase db;
  private final PgInserts inserts;
  private final BiConsumer<String, Integer> enqueued;

  private final String ensureInsert;
  private final String ensureSelect;
  private final String selectOne;
  private final String selectAll;
  private final String claim;
  private final String runNow;
  private final String pause;
  private final String resume;
  private final String saveEntry;
  private final String removeEntry;
  private final String entries;

  /**
   * @param enqueued told (queue, count) after a commit stored a cron job
   */
  PgCronStore(PgDatabase db, PgInserts inserts, BiConsumer<String, Integer> enqueued) {
    this.db = db;
    this.inserts = inserts;
    this.enqueued = enqueued;
    // Ids in sorted order: nodes ensuring the same entries lock them in the same order.
    ensureInsert =
        db.sql(
            "INSERT INTO {s}.cron_ticks(entry_id, last_tick_us)"
                + " SELECT id, ? FROM unnest(?::text[]) AS t(id) ORDER BY id"
                + " ON CONFLICT (entry_id) DO NOTHING");
    ensureSelect =
        db.sql("SELECT " + COLUMNS + " FROM {s}.cron_ticks WHERE entry_id = ANY(?::text[])");
    selectOne = db.sql("SELECT " + COLUMNS + " FROM {s}.cron_ticks WHERE entry_id = ?");
    selectAll = db.sql("SELECT " + COLUMNS + " FROM {s}.cron_ticks");
    // A skipped tick (no job) keeps the last job.
    claim =
        db.sql(
            "UPDATE {s}.cron_ticks SET last_tick_us = ?, last_jid = coalesce(?, last_jid),"
                + " last_run_us = coalesce(?, last_run_us)"
                + " WHERE entry_id = ? AND last_tick_us = ? AND NOT paused");
    // Run now records the job and leaves the tick alone (an entry not seen yet starts at $at).
    runNow =
        db.sql(
            "INSERT INTO {s}.cron_ticks(entry_id, last_tick_us, last_jid, last_run_us)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (entry_id) DO UPDATE SET"
                + " last_jid = excluded.last_jid, last_run_us = excluded.last_run_us");
    pause = db.sql("UPDATE {s}.cron_ticks SET paused = true WHERE entry_id = ?");
    // Ticks missed while paused are dropped: the schedule restarts at $now.
    resume =
        db.sql(
            "UPDATE {s}.cron_ticks SET paused = false, last_tick_us = greatest(last_tick_us, ?)"
                + " WHERE entry_id = ? AND paused");
    // Saving again replaces the definition and keeps the entry's place (its seq).
    saveEntry =
        db.sql(
            "INSERT INTO {s}.cron_entries(id, definition) VALUES (?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET definition = excluded.definition");
    // One statement: the entry and its state go together.
    removeEntry =
        db.sql(
            "WITH ticks AS (DELETE FROM {s}.cron_ticks WHERE entry_id = ?)"
                + " DELETE FROM {s}.cron_entries WHERE id = ?");
    entries = db.sql("SELECT id, definition FROM {s}.cron_entries ORDER BY seq");
  }

  @Override
  public Map<String, TickState> ensure(Collection<String> entryIds, Instant since) {
    if (entryIds.isEmpty()) {
      return Map.of(); // a server without cron entries writes nothing for cron
    }
    String[] ids = entryIds.toArray(String[]::new);
    return PgCalls.transaction(
        db,
        "creating cron entry states",
        c -> {
          try (PreparedStatement p = c.prepareStatement(ensureInsert)) {
            p.setLong(1, PgTime.micros(since));
            p.setArray(2, c.createArrayOf("text", ids));
            p.executeUpdate();
          }
          // A statement of its own: it also sees the rows another node inserted meanwhile.
          Map<String, TickState> out = new HashMap<>();
          try (PreparedStatement p = c.prepareStatement(ensureSelect)) {
            p.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                TickState t = row(rs);
                out.put(t.entryId(), t);
              }
            }
          }
          return out;
        });
  }

  @Override
  public Optional<TickState> state(String entryId) {
    return PgCalls.autocommit(
        db,
        "reading a cron entry state",
        c -> {
          try (PreparedStatement p = c.prepareStatement(selectOne)) {
            p.setString(1, entryId);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Map<String, TickState> states() {
    return PgCalls.autocommit(
        db,
        "reading cron entry states",
        c -> {
          Map<String, TickState> out = new HashMap<>();
          try (PreparedStatement p = c.prepareStatement(selectAll);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              TickState t = row(rs);
              out.put(t.entryId(), t);
            }
          }
          return out;
        });
  }

  @Override
  public boolean claimTick(String entryId, Instant expectedLastTick, Instant tick, QueuedJob job) {
    boolean claimed =
        PgCalls.transaction(
            db,
            "claiming a cron tick",
            c -> {
              try (PreparedStatement p = c.prepareStatement(claim)) {
                p.setLong(1, PgTime.micros(tick));
                p.setString(2, job == null ? null : job.jid());
                if (job == null) {
                  p.setNull(3, Types.BIGINT);
                } else {
                  p.setLong(3, PgTime.micros(tick));
                }
                p.setString(4, entryId);
                p.setLong(5, PgTime.micros(expectedLastTick));
                if (p.executeUpdate() != 1) {
                  return false;
                }
              }
              insert(c, job);
              return true;
            });
    if (claimed) {
      tellEnqueued(job);
    }
    return claimed;
  }

  @Override
  public void runNow(String entryId, Instant at, QueuedJob job) {
    PgCalls.transaction(
        db,
        "running a cron entry now",
        c -> {
          try (PreparedStatement p = c.prepareStatement(runNow)) {
            p.setString(1, entryId);
            p.setLong(2, PgTime.micros(at));
            p.setString(3, job.jid());
            p.setLong(4, PgTime.micros(at));
            p.executeUpdate();
          }
          insert(c, job);
          return null;
        });
    tellEnqueued(job);
  }

  private void insert(Connection c, QueuedJob job) throws SQLException {
    if (job != null) {
      inserts.jobs(c, List.of(job));
    }
  }

  /** Wakes this node's waiting FETCHes (the others hear the trigger's NOTIFY). */
  private void tellEnqueued(QueuedJob job) {
    if (job == null) {
      return;
    }
    try {
      enqueued.accept(job.queue(), 1);
    } catch (RuntimeException e) {
      // The job is committed; a missed local wake-up only delays a FETCH until the NOTIFY.
      LOG.warn("could not wake the FETCHes waiting on queue {}", job.queue(), e);
    }
  }

  @Override
  public void pause(String entryId) {
    update("pausing a cron entry", pause, p -> p.setString(1, entryId));
  }

  @Override
  public void resume(String entryId, Instant now) {
    update(
        "resuming a cron entry",
        resume,
        p -> {
          p.setLong(1, PgTime.micros(now));
          p.setString(2, entryId);
        });
  }

  @Override
  public void saveEntry(String id, byte[] definition) {
    byte[] copy = definition.clone();
    update(
        "saving a cron entry",
        saveEntry,
        p -> {
          p.setString(1, id);
          p.setBytes(2, copy);
        });
  }

  @Override
  public boolean removeEntry(String id) {
    return update(
            "removing a cron entry",
            removeEntry,
            p -> {
              p.setString(1, id);
              p.setString(2, id);
            })
        == 1;
  }

  @Override
  public List<StoredEntry> entries() {
    return PgCalls.autocommit(
        db,
        "reading cron entries",
        c -> {
          List<StoredEntry> out = new ArrayList<>();
          try (PreparedStatement p = c.prepareStatement(entries);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(new StoredEntry(rs.getString(1), rs.getBytes(2)));
            }
          }
          return out;
        });
  }

  /** One statement in autocommit; returns its row count. */
  private int update(String what, String sql, Binder binder) {
    return PgCalls.autocommit(
        db,
        what,
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            binder.bind(p);
            return p.executeUpdate();
          }
        });
  }

  private static TickState row(ResultSet rs) throws SQLException {
    long runAt = rs.getLong(4);
    boolean noRun = rs.wasNull();
    return new TickState(
        rs.getString(1),
        PgTime.instant(rs.getLong(2)),
        rs.getString(3),
        noRun ? null : PgTime.instant(runAt),
        rs.getBoolean(5));
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement p) throws SQLException;
  }
}
