package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.VanishedTrackingSql;
import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackState;
import dev.fabrik.server.tracking.TrackStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tracking records in their own table, {@code job_tracking}, one row per jid. Every write is one
 * upsert queued on the store's {@link GroupCommitWriter} (so in call order, group-committed with
 * the PUSH or ACK around it, as durable as they are); reads go through the writer too, so a read
 * sees every write called before it, committed or still in the batch (a read of many jids is one
 * writer op). Times are epoch micros.
 */
final class SqliteTrackStore implements TrackStore {

  static final String TABLE = "job_tracking";

  private static final String DDL =
      "CREATE TABLE IF NOT EXISTS "
          + TABLE
          + "(jid TEXT PRIMARY KEY, state TEXT NOT NULL, percent INTEGER, descr TEXT,"
          + " updated_at INTEGER NOT NULL, expires_at INTEGER)";
  private static final String EXPIRY_INDEX =
      "CREATE INDEX IF NOT EXISTS job_tracking_expiry ON "
          + TABLE
          + "(expires_at) WHERE expires_at IS NOT NULL";

  private static final String ENQUEUED =
      "INSERT OR REPLACE INTO "
          + TABLE
          + "(jid, state, percent, descr, updated_at, expires_at) VALUES (?, 'enqueued', NULL, NULL,"
          + " ?, NULL)";
  private static final String MOVED =
      "INSERT INTO "
          + TABLE
          + "(jid, state, updated_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(jid) DO UPDATE"
          + " SET state = excluded.state, updated_at = excluded.updated_at,"
          + " expires_at = excluded.expires_at";
  private static final String PROGRESS =
      "INSERT INTO "
          + TABLE
          + "(jid, state, percent, descr, updated_at, expires_at) VALUES (?, 'unknown', ?, ?, ?, ?)"
          + " ON CONFLICT(jid) DO UPDATE SET percent = coalesce(excluded.percent, percent),"
          + " descr = coalesce(excluded.descr, descr), updated_at = excluded.updated_at";
  private static final String GET =
      "SELECT state, percent, descr, updated_at, expires_at FROM " + TABLE + " WHERE jid = ?";
  private static final String PURGE =
      "DELETE FROM "
          + TABLE
          + " WHERE jid IN (SELECT jid FROM "
          + TABLE
          + " WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ?)";
  private static final String ANY_QUIET = VanishedTrackingSql.probe("", "updated_at", "expires_at");
  private static final String VANISHED =
      VanishedTrackingSql.candidates("", "updated_at", "expires_at", false);
  private static final String SETTLE =
      "UPDATE "
          + TABLE
          + " SET state = 'unknown', updated_at = ?, expires_at = ?"
          + " WHERE jid = ? AND expires_at IS NULL AND updated_at < ?";
  private static final String SIZE = "SELECT count(*) FROM " + TABLE;

  private final GroupCommitWriter writer;
  private final ReaderPool readers;

  /** Creates the table if needed (on the writer, before any other write of this store). */
  SqliteTrackStore(GroupCommitWriter writer, ReaderPool readers) {
    this.writer = writer;
    this.readers = readers;
    writer.write(
        tx -> {
          try (Statement s = tx.connection().createStatement()) {
            s.execute(DDL);
            s.execute(EXPIRY_INDEX);
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> enqueued(String jid, Instant at) {
    return update(
        ENQUEUED,
        ps -> {
          ps.setString(1, jid);
          ps.setLong(2, SetTables.micros(at));
        });
  }

  @Override
  public CompletableFuture<Void> moved(
      String jid, TrackState state, Instant at, Instant expiresAt) {
    return update(
        MOVED,
        ps -> {
          ps.setString(1, jid);
          ps.setString(2, state.wireName());
          ps.setLong(3, SetTables.micros(at));
          setMicros(ps, 4, expiresAt);
        });
  }

  @Override
  public CompletableFuture<Void> progress(
      String jid, Integer percent, String desc, Instant at, Instant expiresIfNew) {
    return update(
        PROGRESS,
        ps -> {
          ps.setString(1, jid);
          if (percent == null) {
            ps.setNull(2, Types.INTEGER);
          } else {
            ps.setInt(2, percent);
          }
          ps.setString(3, desc);
          ps.setLong(4, SetTables.micros(at));
          setMicros(ps, 5, expiresIfNew);
        });
  }

  @Override
  public Optional<TrackRecord> get(String jid) {
    return Optional.ofNullable(getAll(List.of(jid)).get(jid));
  }

  @Override
  public Map<String, TrackRecord> getAll(Collection<String> jids) {
    if (jids.isEmpty()) {
      return Map.of();
    }
    return writer.write(
        tx -> {
          PreparedStatement ps = tx.prepare(GET);
          Map<String, TrackRecord> found = new HashMap<>();
          for (String jid : jids) {
            ps.setString(1, jid);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                found.put(jid, record(jid, rs));
              }
            }
          }
          return found;
        });
  }

  private static TrackRecord record(String jid, ResultSet rs) throws SQLException {
    int percent = rs.getInt(2);
    Integer p = rs.wasNull() ? null : percent;
    long expires = rs.getLong(5);
    Instant e = rs.wasNull() ? null : SetTables.instant(expires);
    return new TrackRecord(
        jid,
        TrackState.fromWire(rs.getString(1)),
        p,
        rs.getString(3),
        SetTables.instant(rs.getLong(4)),
        e);
  }

  @Override
  public int purge(Instant now, int limit) {
    return writer.write(
        tx -> {
          PreparedStatement ps = tx.prepare(PURGE);
          ps.setLong(1, SetTables.micros(now));
          ps.setInt(2, limit);
          return ps.executeUpdate();
        },
        limit,
        0);
  }

  /**
   * Finds the vanished jobs' records on a reader (the scan of the job tables stays off the writer),
   * then settles each by its key on the writer, only if it is still open and quiet: a job that came
   * back meanwhile came back through a PUSH, whose tracking write is newer than {@code quietSince}.
   */
  @Override
  public int settleVanished(Instant quietSince, Instant at, Instant expiresAt, int limit) {
    long quiet = SetTables.micros(quietSince);
    List<String> gone =
        readers.read(
            c -> {
              List<String> jids = new ArrayList<>();
              if (!anyQuiet(c, quiet)) {
                return jids;
              }
              try (PreparedStatement ps = c.prepareStatement(VANISHED)) {
                ps.setLong(1, quiet);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    jids.add(rs.getString(1));
                  }
                }
              }
              return jids;
            });
    if (gone.isEmpty()) {
      return 0;
    }
    return writer.write(
        tx -> {
          PreparedStatement ps = tx.prepareBesideJobs(SETTLE);
          int settled = 0;
          for (String jid : gone) {
            ps.setLong(1, SetTables.micros(at));
            ps.setLong(2, SetTables.micros(expiresAt));
            ps.setString(3, jid);
            ps.setLong(4, quiet);
            settled += ps.executeUpdate();
          }
          return settled;
        },
        gone.size(),
        0);
  }

  private static boolean anyQuiet(java.sql.Connection c, long quiet) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ANY_QUIET)) {
      ps.setLong(1, quiet);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public long size() {
    return writer.write(
        tx -> {
          try (ResultSet rs = tx.prepare(SIZE).executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  private CompletableFuture<Void> update(String sql, Binder binder) {
    return writer.submitAsync(
        tx -> {
          PreparedStatement ps = tx.prepare(sql);
          binder.bind(ps);
          ps.executeUpdate();
          return null;
        },
        1,
        0);
  }

  private static void setMicros(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setLong(index, SetTables.micros(t));
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }
}
