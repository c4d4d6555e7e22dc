package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.cluster.SharedWorkers;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerLoad;
import dev.fabrik.server.workers.WorkerState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code {s}.workers} table (V4__cluster.sql). Every change is one autocommitted statement; the
 * state merges with {@code GREATEST}, so a quiet written through node A and a BEAT on node B end at
 * quiet in either order, with no lock held in any process.
 */
public final class PgSharedWorkers implements SharedWorkers {
  private static final Logger LOG = LoggerFactory.getLogger(PgSharedWorkers.class);
  private static final WorkerState[] STATES = WorkerState.values();
  private static final String COLUMNS =
      "wid, hostname, pid, labels, started_at_us, last_beat_us, rss_kb, state, connections,"
          + " concurrency, busy";

  private final PgDatabase db;
  private final String attach;
  private final String decrement;
  private final String deleteUnconnected;
  private final String beat;
  private final String signal;
  private final String list;
  private final String seen;
  private final String expire;

  public PgSharedWorkers(PgDatabase db) {
    this.db = db;
    this.attach =
        db.sql(
            "INSERT INTO {s}.workers AS w ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1, -1, -1) ON CONFLICT (wid) DO UPDATE SET"
                + " connections = w.connections + 1,"
                + " last_beat_us = GREATEST(w.last_beat_us, excluded.last_beat_us)");
    this.decrement = db.sql("UPDATE {s}.workers SET connections = connections - 1 WHERE wid = ?");
    // A separate statement: another node's HELLO in between raises the count and keeps the row.
    this.deleteUnconnected = db.sql("DELETE FROM {s}.workers WHERE wid = ? AND connections <= 0");
    this.beat =
        db.sql(
            "INSERT INTO {s}.workers AS w ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (wid) DO UPDATE SET"
                + " last_beat_us = excluded.last_beat_us, rss_kb = excluded.rss_kb,"
                + " concurrency = excluded.concurrency, busy = excluded.busy,"
                + " state = GREATEST(w.state, excluded.state) RETURNING state");
    this.signal = db.sql("UPDATE {s}.workers SET state = GREATEST(state, ?) WHERE wid = ?");
    this.list = db.sql("SELECT " + COLUMNS + " FROM {s}.workers ORDER BY wid");
    this.seen = db.sql("SELECT wid, last_beat_us, state FROM {s}.workers WHERE wid = ANY (?)");
    this.expire = db.sql("DELETE FROM {s}.workers WHERE last_beat_us < ?");
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public void attached(WorkerInfo hello, Instant now) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(attach)) {
      bindIdentity(c, ps, hello, now);
      ps.setLong(6, PgTime.micros(now));
      ps.setLong(7, hello.rssKb());
      ps.executeUpdate();
    } catch (SQLException e) {
      // The HELLO still succeeds: the worker's first BEAT writes the record.
      LOG.warn("recording worker {} failed: {}", hello.wid(), PgDatabase.rootMessage(e));
    }
  }

  /**
   * Runs on a virtual thread of its own: a connection closes on an event loop, which must not wait
   * for the database. A decrement lost in a crash leaves the row to the heartbeat TTL.
   */
  @Override
  public void detached(String wid) {
    Thread.ofVirtual().name("fabrik-worker-detach").start(() -> detachNow(wid));
  }

  void detachNow(String wid) {
    try (Connection c = db.connection()) {
      try (PreparedStatement ps = c.prepareStatement(decrement)) {
        ps.setString(1, wid);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(deleteUnconnected)) {
        ps.setString(1, wid);
        ps.executeUpdate();
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("forgetting a connection of worker {} failed", wid, e);
    }
  }

  @Override
  public WorkerState beat(WorkerInfo local, long rssKb, WorkerState reported, Instant now) {
    WorkerState mine = local.state().advanceTo(reported == null ? WorkerState.RUNNING : reported);
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(beat)) {
      bindIdentity(c, ps, local, now);
      ps.setLong(6, PgTime.micros(now));
      ps.setLong(7, rssKb);
      ps.setShort(8, (short) mine.ordinal());
      ps.setInt(9, Math.max(1, local.connections()));
      ps.setInt(10, local.load().concurrency());
      ps.setInt(11, local.load().busy());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return STATES[rs.getShort(1)];
      }
    } catch (SQLException e) {
      throw PgNodeStore.failed("recording the heartbeat of worker " + local.wid(), e);
    }
  }

  @Override
  public boolean signal(String wid, WorkerState state) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(signal)) {
      ps.setShort(1, (short) state.ordinal());
      ps.setString(2, wid);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw PgNodeStore.failed("signaling worker " + wid, e);
    }
  }

  @Override
  public List<WorkerInfo> list() {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(list);
        ResultSet rs = ps.executeQuery()) {
      List<WorkerInfo> out = new ArrayList<>();
      while (rs.next()) {
        out.add(
            new WorkerInfo(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                PgNodeStore.strings(rs.getArray(4)),
                PgTime.instant(rs.getLong(5)),
                PgTime.instant(rs.getLong(6)),
                rs.getLong(7),
                STATES[rs.getShort(8)],
                Math.max(0, rs.getInt(9)),
                new WorkerLoad(rs.getInt(10), rs.getInt(11))));
      }
      return out;
    } catch (SQLException e) {
      throw PgNodeStore.failed("listing workers", e);
    }
  }

  @Override
  public Map<String, Seen> seen(Collection<String> wids) {
    if (wids.isEmpty()) {
      return Map.of();
    }
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(seen)) {
      ps.setArray(1, c.createArrayOf("text", wids.toArray()));
      Map<String, Seen> out = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Seen(PgTime.instant(rs.getLong(2)), STATES[rs.getShort(3)]));
        }
      }
      return out;
    } catch (SQLException e) {
      throw PgNodeStore.failed("reading worker heartbeats", e);
    }
  }

  @Override
  public int expire(Instant cutoff) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement(expire)) {
      ps.setLong(1, PgTime.micros(cutoff));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw PgNodeStore.failed("expiring workers", e);
    }
  }

  /** wid, hostname, pid, labels, started_at_us: parameters 1 to 5. */
  private static void bindIdentity(Connection c, PreparedStatement ps, WorkerInfo w, Instant now)
      throws SQLException {
    ps.setString(1, w.wid());
    ps.setString(2, w.hostname());
    ps.setLong(3, w.pid());
    List<String> labels = w.labels() == null ? List.of() : w.labels();
    ps.setArray(4, c.createArrayOf("text", labels.toArray()));
    ps.setLong(5, PgTime.micros(w.startedAt() == null ? now : w.startedAt()));
  }
}
