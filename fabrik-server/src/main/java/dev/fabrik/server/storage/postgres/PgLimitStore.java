package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.limits.LimitRule;
import dev.fabrik.server.limits.LimitRuleJson;
import dev.fabrik.server.limits.LimitStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Limit state in {@code limit_slots}, {@code limit_rates} and {@code limit_rules} (V7), exact
 * between nodes without a lock of our own: every slot and every start is taken by one statement
 * that either changes its row or returns nothing, and one acquisition's statements share a
 * transaction, so a refused one rolls back the others.
 */
final class PgLimitStore implements LimitStore {

  /** Thrown inside the transaction to roll back an acquisition that was refused. */
  private static final class Refused extends RuntimeException {
    Refused() {
      super(null, null, false, false);
    }
  }

  /** Attempts at a free number when another node took the one we picked in the same instant. */
  private static final int SLOT_ATTEMPTS = 2;

  /** Fewer slots of the key held (not expired) than its limit; parameters: key, now, limit. */
  private static final String COUNT_GUARD =
      " AND (SELECT count(*) FROM {s}.limit_slots c WHERE c.key = ? AND c.expires_us > ?) < ?";

  private final PgDatabase db;
  private final PgSlotClaims claims;
  private final String takeSlot;
  private final String takeExpired;
  private final String takeStart;
  private final String release;
  private final String releaseAndNotify;
  private final String inFlight;
  private final String rateBlocked;
  private final String rules;
  private final String purge;
  private final String saveRule;
  private final String removeRule;

  PgLimitStore(PgDatabase db) {
    this.db = db;
    this.claims = new PgSlotClaims(db);
    // The lowest number below the limit with no row. A number another transaction inserts at the
    // same time conflicts, and DO NOTHING returns nothing without locking the row: a row that is
    // only looked at must stay free for the ACK that deletes it (PgAcks), which would otherwise
    // wait for this statement's commit. The count guard keeps a limit lowered at run time exact
    // while slots above the new limit are still held.
    takeSlot =
        db.sql(
            "INSERT INTO {s}.limit_slots (key, slot, jid, expires_us)"
                + " SELECT ?, g, ?, ? FROM generate_series(0, ? - 1) g"
                + " WHERE NOT EXISTS (SELECT 1 FROM {s}.limit_slots h"
                + " WHERE h.key = ? AND h.slot = g)"
                + COUNT_GUARD
                + " ORDER BY g LIMIT 1 ON CONFLICT (key, slot) DO NOTHING RETURNING slot");
    // When every number has a row, a row whose time passed (a crashed worker's) is taken over; the
    // row lock orders two nodes, and the one that comes second re-checks the row and gets nothing.
    takeExpired =
        db.sql(
            "UPDATE {s}.limit_slots l SET jid = ?, expires_us = ? WHERE l.key = ? AND l.slot ="
                + " (SELECT slot FROM {s}.limit_slots e WHERE e.key = ? AND e.slot < ?"
                + " AND e.expires_us <= ? ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)"
                + " AND l.expires_us <= ?"
                + COUNT_GUARD
                + " RETURNING l.slot");
    // GCRA: allowed when max(tat, now) + interval - period <= now; the row lock orders the nodes.
    takeStart =
        db.sql(
            "INSERT INTO {s}.limit_rates AS r (bucket, tat_us, period_us, interval_us)"
                + " VALUES (?, ? + ?, ?, ?) ON CONFLICT (bucket) DO UPDATE"
                + " SET tat_us = GREATEST(r.tat_us, ?) + excluded.interval_us,"
                + " period_us = excluded.period_us, interval_us = excluded.interval_us"
                + " WHERE GREATEST(r.tat_us, ?) + excluded.interval_us - excluded.period_us <= ?"
                + " RETURNING 1");
    release = db.sql("DELETE FROM {s}.limit_slots WHERE jid = ?");
    // A PgSlotNotice: one FETCH waiting on the queue on each other node looks again at once,
    // rather than at its next poll. Sent only when a slot went.
    releaseAndNotify =
        db.sql(
            "WITH freed AS (DELETE FROM {s}.limit_slots WHERE jid = ? RETURNING 1)"
                + " SELECT pg_notify(?, "
                + PgSlotNotice.sql("?", "'1'", "?")
                + ") FROM (SELECT 1 FROM freed LIMIT 1) f");
    inFlight =
        db.sql("SELECT key, count(*) FROM {s}.limit_slots WHERE expires_us > ? GROUP BY key");
    rateBlocked =
        db.sql("SELECT bucket FROM {s}.limit_rates WHERE tat_us > ? + period_us - interval_us");
    rules = db.sql("SELECT rule::text FROM {s}.limit_rules ORDER BY id");
    // A full bucket (tat not after now) grants what a missing one grants. A start racing on another
    // node either waits for this DELETE and inserts afresh (the same tat it would have computed),
    // or commits first, and READ COMMITTED re-checks the moved tat, which keeps the row.
    purge = db.sql("DELETE FROM {s}.limit_rates WHERE tat_us <= ?");
    saveRule =
        db.sql(
            "INSERT INTO {s}.limit_rules (id, rule) VALUES (?, ?::jsonb)"
                + " ON CONFLICT (id) DO UPDATE SET rule = excluded.rule");
    removeRule = db.sql("DELETE FROM {s}.limit_rules WHERE id = ?");
  }

  @Override
  public boolean acquire(
      String jid, String wid, List<SlotClaim> slots, List<RateTake> takes, Instant now) {
    long at = PgTime.micros(now);
    if (slots.size() == 1 && takes.isEmpty()) {
      // One statement needs no transaction of its own: the COMMIT round trip would only lengthen
      // the time a freed slot waits for the FETCH that takes it.
      return PgCalls.autocommit(db, "limit acquisition", c -> takeSlot(c, jid, slots.get(0), at));
    }
    try {
      return PgCalls.transaction(
          db,
          "limit acquisition",
          c -> {
            for (SlotClaim s : slots) {
              if (!takeSlot(c, jid, s, at)) {
                throw new Refused();
              }
            }
            for (RateTake t : takes) {
              if (!takeStart(c, t, at)) {
                throw new Refused();
              }
            }
            return true;
          });
    } catch (Refused e) {
      return false;
    }
  }

  /** {@link PgSlotClaims}: the job and its slots in one autocommitted statement. */
  @Override
  public SlotGrant reserveWithSlot(
      List<String> queues,
      List<SlotRule> rules,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline) {
    return PgCalls.autocommit(
        db, "limited fetch", c -> claims.claim(c, queues, rules, wid, now, deadline));
  }

  private boolean takeSlot(Connection c, String jid, SlotClaim s, long now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(takeSlot)) {
      p.setString(1, s.key());
      p.setString(2, jid);
      p.setLong(3, PgTime.micros(s.expires()));
      p.setInt(4, s.limit());
      p.setString(5, s.key());
      countGuard(p, 6, s, now);
      for (int i = 0; i < SLOT_ATTEMPTS; i++) {
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next()) {
            return true;
          }
        }
      }
    }
    try (PreparedStatement p = c.prepareStatement(takeExpired)) {
      p.setString(1, jid);
      p.setLong(2, PgTime.micros(s.expires()));
      p.setString(3, s.key());
      p.setString(4, s.key());
      p.setInt(5, s.limit());
      p.setLong(6, now);
      p.setLong(7, now);
      countGuard(p, 8, s, now);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Binds {@link #COUNT_GUARD}'s parameters from {@code at} on. */
  private static void countGuard(PreparedStatement p, int at, SlotClaim s, long now)
      throws SQLException {
    p.setString(at, s.key());
    p.setLong(at + 1, now);
    p.setInt(at + 2, s.limit());
  }

  private boolean takeStart(Connection c, RateTake t, long now) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(takeStart)) {
      p.setString(1, t.bucket());
      p.setLong(2, now);
      p.setLong(3, t.intervalMicros());
      p.setLong(4, t.periodMicros());
      p.setLong(5, t.intervalMicros());
      p.setLong(6, now);
      p.setLong(7, now);
      p.setLong(8, now);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public void release(String jid) {
    PgCalls.autocommit(
        db,
        "limit release",
        c -> {
          try (PreparedStatement p = c.prepareStatement(release)) {
            p.setString(1, jid);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public void release(String jid, String queue) {
    PgCalls.autocommit(
        db,
        "limit release",
        c -> {
          try (PreparedStatement p = c.prepareStatement(releaseAndNotify)) {
            p.setString(1, jid);
            p.setString(2, db.slotsChannel());
            p.setString(3, db.nodeToken());
            p.setString(4, queue);
            p.executeQuery().close();
            return null;
          }
        });
  }

  /** {@link PgAcks}' statement deletes the acknowledged runs' slot rows and NOTIFYs. */
  @Override
  public boolean ackFreesSlots() {
    return true;
  }

  @Override
  public Map<String, Integer> inFlight(Instant now) {
    return PgCalls.autocommit(
        db,
        "limit usage",
        c -> {
          Map<String, Integer> out = new TreeMap<>();
          try (PreparedStatement p = c.prepareStatement(inFlight)) {
            p.setLong(1, PgTime.micros(now));
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
              }
            }
          }
          return out;
        });
  }

  @Override
  public Set<String> rateBlocked(Instant now) {
    return PgCalls.autocommit(
        db,
        "rate usage",
        c -> {
          Set<String> out = new HashSet<>();
          try (PreparedStatement p = c.prepareStatement(rateBlocked)) {
            p.setLong(1, PgTime.micros(now));
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  @Override
  public int purgeIdleBuckets(Instant now) {
    return PgCalls.autocommit(
        db,
        "purging idle rate buckets",
        c -> {
          try (PreparedStatement p = c.prepareStatement(purge)) {
            p.setLong(1, PgTime.micros(now));
            return p.executeUpdate();
          }
        });
  }

  @Override
  public List<LimitRule> savedRules() {
    return PgCalls.autocommit(
        db,
        "limit rules",
        c -> {
          List<LimitRule> out = new ArrayList<>();
          try (PreparedStatement p = c.prepareStatement(rules);
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              out.add(LimitRuleJson.parse(rs.getString(1)));
            }
          }
          return out;
        });
  }

  @Override
  public void saveRule(LimitRule rule) {
    PgCalls.autocommit(
        db,
        "saving a limit rule",
        c -> {
          try (PreparedStatement p = c.prepareStatement(saveRule)) {
            p.setString(1, rule.id());
            p.setString(2, LimitRuleJson.toText(rule));
            return p.executeUpdate();
          }
        });
  }

  @Override
  public boolean removeRule(String id) {
    return PgCalls.autocommit(
            db,
            "removing a limit rule",
            c -> {
              try (PreparedStatement p = c.prepareStatement(removeRule)) {
                p.setString(1, id);
                return p.executeUpdate();
              }
            })
        > 0;
  }

  @Override
  public void clearUsage() {
    PgCalls.transaction(
        db,
        "clearing limit usage",
        c -> {
          try (PreparedStatement p = c.prepareStatement(db.sql("DELETE FROM {s}.limit_slots"));
              PreparedStatement q = c.prepareStatement(db.sql("DELETE FROM {s}.limit_rates"))) {
            p.executeUpdate();
            q.executeUpdate();
          }
          return null;
        });
  }
}
