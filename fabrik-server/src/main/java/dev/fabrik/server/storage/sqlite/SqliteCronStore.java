package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.storage.QueuedJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cron state in two tables of the store's database. Instants are epoch microseconds.
 *
 * <pre>
 * cron_ticks(entry_id PK, last_tick, last_jid, last_run_at, paused)
 * cron_entries(id PK, definition)          -- entries added through the API
 * </pre>
 *
 * A claim is one {@link WriteOp}: {@code UPDATE cron_ticks SET last_tick = T WHERE entry_id = ? AND
 * last_tick = L AND paused = 0}, and only when that changed a row, the job's insert, both in the
 * writer's transaction (the same statement and a job insert in one transaction is how a shared
 * PostgreSQL store would do it).
 */
final class SqliteCronStore implements CronStore {

  static final String[] DDL = {
    "CREATE TABLE IF NOT EXISTS cron_ticks(entry_id TEXT PRIMARY KEY, last_tick INTEGER NOT NULL,"
        + " last_jid TEXT, last_run_at INTEGER, paused INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS cron_entries("
        + "seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, definition BLOB NOT NULL)",
  };

  /** Inserts a job into its queue within the writer's transaction (the store's own insert). */
  @FunctionalInterface
  interface JobInserter {
    void insert(Tx tx, String queue, String jid, byte[] payload) throws SQLException;
  }

  private static final String COLUMNS = "entry_id, last_tick, last_jid, last_run_at, paused";

  private final GroupCommitWriter writer;
  private final ReaderPool readers;
  private final JobInserter inserter;

  SqliteCronStore(GroupCommitWriter writer, ReaderPool readers, JobInserter inserter) {
    this.writer = writer;
    this.readers = readers;
    this.inserter = inserter;
  }

  /** Creates the tables (on the writer connection, before the writer starts). */
  static void createTables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
    }
  }

  @Override
  public Map<String, TickState> ensure(Collection<String> entryIds, Instant since) {
    List<String> ids = List.copyOf(entryIds);
    if (ids.isEmpty()) {
      return Map.of(); // a server without cron entries writes nothing for cron
    }
    return writer.write(
        tx -> {
          PreparedStatement insert =
              tx.prepare("INSERT OR IGNORE INTO cron_ticks(entry_id, last_tick) VALUES (?, ?)");
          PreparedStatement select =
              tx.prepare("SELECT " + COLUMNS + " FROM cron_ticks WHERE entry_id = ?");
          Map<String, TickState> out = new HashMap<>();
          for (String id : ids) {
            insert.setString(1, id);
            insert.setLong(2, micros(since));
            insert.executeUpdate();
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
              rs.next();
              out.put(id, row(rs));
            }
          }
          return out;
        },
        Math.max(1, ids.size()),
        0);
  }

  @Override
  public Optional<TickState> state(String entryId) {
    return readers.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM cron_ticks WHERE entry_id = ?")) {
            ps.setString(1, entryId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Map<String, TickState> states() {
    return readers.read(
        c -> {
          Map<String, TickState> out = new HashMap<>();
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM cron_ticks")) {
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
    return writer.write(
        tx -> {
          PreparedStatement ps =
              tx.prepare(
                  "UPDATE cron_ticks SET last_tick = ?, last_jid = coalesce(?, last_jid),"
                      + " last_run_at = coalesce(?, last_run_at)"
                      + " WHERE entry_id = ? AND last_tick = ? AND paused = 0");
          ps.setLong(1, micros(tick));
          ps.setString(2, job == null ? null : job.jid());
          if (job == null) {
            ps.setNull(3, java.sql.Types.INTEGER);
          } else {
            ps.setLong(3, micros(tick));
          }
          ps.setString(4, entryId);
          ps.setLong(5, micros(expectedLastTick));
          if (ps.executeUpdate() != 1) {
            return false;
          }
          if (job != null) {
            inserter.insert(tx, job.queue(), job.jid(), job.payload());
          }
          return true;
        },
        2,
        job == null ? 0 : job.payload().length);
  }

  @Override
  public void runNow(String entryId, Instant at, QueuedJob job) {
    writer.write(
        tx -> {
          PreparedStatement insert =
              tx.prepare("INSERT OR IGNORE INTO cron_ticks(entry_id, last_tick) VALUES (?, ?)");
          insert.setString(1, entryId);
          insert.setLong(2, micros(at));
          insert.executeUpdate();
          PreparedStatement ps =
              tx.prepare("UPDATE cron_ticks SET last_jid = ?, last_run_at = ? WHERE entry_id = ?");
          ps.setString(1, job.jid());
          ps.setLong(2, micros(at));
          ps.setString(3, entryId);
          ps.executeUpdate();
          inserter.insert(tx, job.queue(), job.jid(), job.payload());
          return null;
        },
        2,
        job.payload().length);
  }

  @Override
  public void pause(String entryId) {
    writer.write(
        tx -> {
          PreparedStatement ps = tx.prepare("UPDATE cron_ticks SET paused = 1 WHERE entry_id = ?");
          ps.setString(1, entryId);
          ps.executeUpdate();
          return null;
        });
  }

  @Override
  public void resume(String entryId, Instant now) {
    writer.write(
        tx -> {
          PreparedStatement ps =
              tx.prepare(
                  "UPDATE cron_ticks SET paused = 0, last_tick = max(last_tick, ?)"
                      + " WHERE entry_id = ? AND paused = 1");
          ps.setLong(1, micros(now));
          ps.setString(2, entryId);
          ps.executeUpdate();
          return null;
        });
  }

  @Override
  public void saveEntry(String id, byte[] definition) {
    byte[] copy = definition.clone();
    writer.write(
        tx -> {
          PreparedStatement ps =
              tx.prepare(
                  "INSERT INTO cron_entries(id, definition) VALUES (?, ?)"
                      + " ON CONFLICT(id) DO UPDATE SET definition = excluded.definition");
          ps.setString(1, id);
          ps.setBytes(2, copy);
          ps.executeUpdate();
          return null;
        });
  }

  @Override
  public boolean removeEntry(String id) {
    return writer.write(
        tx -> {
          PreparedStatement ticks = tx.prepare("DELETE FROM cron_ticks WHERE entry_id = ?");
          ticks.setString(1, id);
          ticks.executeUpdate();
          PreparedStatement ps = tx.prepare("DELETE FROM cron_entries WHERE id = ?");
          ps.setString(1, id);
          return ps.executeUpdate() == 1;
        });
  }

  @Override
  public List<StoredEntry> entries() {
    return readers.read(
        c -> {
          List<StoredEntry> out = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery("SELECT id, definition FROM cron_entries ORDER BY seq")) {
            while (rs.next()) {
              out.add(new StoredEntry(rs.getString(1), rs.getBytes(2)));
            }
          }
          return out;
        });
  }

  private static TickState row(ResultSet rs) throws SQLException {
    long runAt = rs.getLong(4);
    boolean noRun = rs.wasNull();
    return new TickState(
        rs.getString(1),
        instant(rs.getLong(2)),
        rs.getString(3),
        noRun ? null : instant(runAt),
        rs.getInt(5) != 0);
  }

  private static long micros(Instant i) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, i);
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }
}
