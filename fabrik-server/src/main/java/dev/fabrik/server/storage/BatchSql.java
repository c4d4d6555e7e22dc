package dev.fabrik.server.storage;

import dev.fabrik.server.batch.BatchCounts;
import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.batch.Callback;
import dev.fabrik.server.batch.MemberState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The batch statements both SQL stores run (SQLite on its writer, PostgreSQL on pooled
 * connections), over two tables; {@code {s}.} is the PostgreSQL schema prefix, empty on SQLite:
 *
 * <pre>
 * batches(bid PK, parent_bid, description, created_us, expires_us, committed, open,
 *         complete_job, success_job, complete_st, success_st, completed_us)
 * batch_members(bid, jid, state, joined_us, PRIMARY KEY (bid, jid))   -- index (bid, state)
 * </pre>
 *
 * Every change that decides something is ONE statement whose WHERE clause carries the whole
 * condition, e.g. the complete callback's compare-and-set:
 *
 * <pre>
 * UPDATE batches SET complete_st = '1' WHERE bid = ? AND committed = 1 AND open = 0
 *   AND complete_st = ''
 *   AND NOT EXISTS (SELECT 1 FROM batch_members WHERE bid = ? AND state = 'pending')
 *   AND NOT EXISTS (SELECT 1 FROM batches c WHERE c.parent_bid = ? AND c.complete_st &lt;&gt; '2')
 * </pre>
 *
 * Under PostgreSQL's READ COMMITTED two nodes racing on it serialize on the row and the second
 * re-checks {@code complete_st = ''} and changes nothing; a node whose statement started before
 * another node's last member update committed sees a pending member and changes nothing, and the
 * other node's own check, which starts after its update committed, sees none. So exactly one node
 * wins, and the last member to finish always leads to a check that can win.
 */
public final class BatchSql {
  private static final String COLUMNS =
      "bid, parent_bid, description, created_us, expires_us, committed, open, complete_job,"
          + " success_job, complete_st, success_st, completed_us";

  private final String batches;
  private final String members;
  private final String insertIgnore;
  private final String onConflictIgnore;
  private final String skipLocked;
  private final boolean postgres;

  /**
   * @param prefix the tables' schema prefix ({@code "fabrik."}) or {@code ""}
   * @param postgres whether the SQL dialect is PostgreSQL's (else SQLite's)
   */
  public BatchSql(String prefix, boolean postgres) {
    this.batches = prefix + "batches";
    this.members = prefix + "batch_members";
    this.insertIgnore = postgres ? "INSERT INTO " : "INSERT OR IGNORE INTO ";
    this.onConflictIgnore = postgres ? " ON CONFLICT DO NOTHING" : "";
    this.skipLocked = postgres ? " FOR UPDATE SKIP LOCKED" : "";
    this.postgres = postgres;
  }

  /** The SQLite tables (PostgreSQL's come from its migration V5). */
  public static List<String> sqliteDdl() {
    return List.of(
        "CREATE TABLE IF NOT EXISTS batches (bid TEXT PRIMARY KEY, parent_bid TEXT, description"
            + " TEXT, created_us INTEGER NOT NULL, expires_us INTEGER NOT NULL, committed INTEGER"
            + " NOT NULL, open INTEGER NOT NULL, complete_job TEXT, success_job TEXT, complete_st"
            + " TEXT NOT NULL, success_st TEXT NOT NULL, completed_us INTEGER)",
        "CREATE INDEX IF NOT EXISTS batches_parent ON batches(parent_bid) WHERE parent_bid IS NOT"
            + " NULL",
        "CREATE INDEX IF NOT EXISTS batches_created ON batches(created_us)",
        "CREATE TABLE IF NOT EXISTS batch_members (bid TEXT NOT NULL, jid TEXT NOT NULL, state"
            + " TEXT NOT NULL, joined_us INTEGER NOT NULL, PRIMARY KEY (bid, jid))",
        "CREATE INDEX IF NOT EXISTS batch_members_state ON batch_members(bid, state)");
  }

  public void create(Connection c, BatchRecord b) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO " + batches + " (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
      p.setString(1, b.bid());
      p.setString(2, b.parentBid());
      p.setString(3, b.description());
      p.setLong(4, micros(b.createdAt()));
      p.setLong(5, micros(b.expiresAt()));
      p.setInt(6, b.committed() ? 1 : 0);
      p.setInt(7, b.open() ? 1 : 0);
      p.setString(8, b.completeJob());
      p.setString(9, b.successJob());
      p.setString(10, b.completeSt());
      p.setString(11, b.successSt());
      setMicros(p, 12, b.completedAt());
      p.executeUpdate();
    }
  }

  /** The batch row and, when {@code counted}, its member counts. */
  public Optional<BatchRecord> get(Connection c, String bid, boolean counted) throws SQLException {
    BatchRecord row;
    try (PreparedStatement p =
        c.prepareStatement("SELECT " + COLUMNS + " FROM " + batches + " WHERE bid = ?")) {
      p.setString(1, bid);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        row = row(rs, 0, 0, 0);
      }
    }
    return Optional.of(counted ? counted(c, row) : row);
  }

  private BatchRecord counted(Connection c, BatchRecord b) throws SQLException {
    long total = 0;
    long pending = 0;
    long failed = 0;
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT state, count(*) FROM " + members + " WHERE bid = ? GROUP BY state")) {
      p.setString(1, b.bid());
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          long n = rs.getLong(2);
          total += n;
          switch (MemberState.fromColumn(rs.getString(1))) {
            case PENDING -> pending = n;
            case FAILED -> failed = n;
            case SUCCEEDED -> {}
          }
        }
      }
    }
    return new BatchRecord(
        b.bid(),
        b.parentBid(),
        b.description(),
        b.createdAt(),
        b.expiresAt(),
        b.committed(),
        b.open(),
        b.completeJob(),
        b.successJob(),
        b.completeSt(),
        b.successSt(),
        b.completedAt(),
        total,
        pending,
        failed);
  }

  private static BatchRecord row(ResultSet rs, long total, long pending, long failed)
      throws SQLException {
    long completed = rs.getLong(12);
    Instant completedAt = rs.wasNull() ? null : instant(completed);
    return new BatchRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        instant(rs.getLong(4)),
        instant(rs.getLong(5)),
        rs.getInt(6) == 1,
        rs.getInt(7) == 1,
        rs.getString(8),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        completedAt,
        total,
        pending,
        failed);
  }

  public List<BatchRecord> list(Connection c, Instant before, int limit) throws SQLException {
    List<BatchRecord> rows = new ArrayList<>();
    String where = before == null ? "" : " WHERE created_us < ?";
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM "
                + batches
                + where
                + " ORDER BY created_us DESC, bid DESC LIMIT ?")) {
      int i = 1;
      if (before != null) {
        p.setLong(i++, micros(before));
      }
      p.setInt(i, limit);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          rows.add(row(rs, 0, 0, 0));
        }
      }
    }
    List<BatchRecord> out = new ArrayList<>(rows.size());
    for (BatchRecord b : rows) {
      out.add(counted(c, b));
    }
    return out;
  }

  public List<String> members(Connection c, String bid, MemberState state, int limit)
      throws SQLException {
    return strings(
        c,
        "SELECT jid FROM " + members + " WHERE bid = ? AND state = ? ORDER BY jid LIMIT ?",
        bid,
        state.column(),
        limit);
  }

  public boolean reopen(Connection c, String bid, Instant expiresAt) throws SQLException {
    return update(
            c,
            "UPDATE " + batches + " SET open = 1, expires_us = ? WHERE bid = ?",
            micros(expiresAt),
            bid)
        == 1;
  }

  public boolean commit(Connection c, String bid) throws SQLException {
    return update(
            c, "UPDATE " + batches + " SET open = 0, committed = 1 WHERE bid = ? AND open = 1", bid)
        == 1;
  }

  /**
   * Adds a pending member if the batch is open; returns whether it is open. On PostgreSQL the batch
   * row is read {@code FOR SHARE}, so a COMMIT on another node waits for this insert's commit (its
   * completion check then sees the member) or, having committed first, makes this read find the
   * batch closed and insert nothing:
   *
   * <pre>
   * WITH b AS (SELECT bid FROM batches WHERE bid = ? AND open = 1 FOR SHARE),
   *   ins AS (INSERT INTO batch_members SELECT bid, ?, 'pending', ? FROM b ON CONFLICT DO NOTHING)
   * SELECT count(*) FROM b
   * </pre>
   */
  public boolean join(Connection c, String bid, String jid, Instant now) throws SQLException {
    if (postgres) {
      try (PreparedStatement p =
          c.prepareStatement(
              "WITH b AS (SELECT bid FROM "
                  + batches
                  + " WHERE bid = ? AND open = 1 FOR SHARE), ins AS (INSERT INTO "
                  + members
                  + " (bid, jid, state, joined_us) SELECT bid, ?, 'pending', ? FROM b ON CONFLICT"
                  + " DO NOTHING) SELECT count(*) FROM b")) {
        bind(p, new Object[] {bid, jid, micros(now)});
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          return rs.getLong(1) == 1;
        }
      }
    }
    // SQLite: the store's one writer runs this, so nothing happens between the two statements.
    update(
        c,
        insertIgnore
            + members
            + " (bid, jid, state, joined_us) SELECT ?, ?, 'pending', ? WHERE EXISTS (SELECT 1"
            + " FROM "
            + batches
            + " WHERE bid = ? AND open = 1)"
            + onConflictIgnore,
        bid,
        jid,
        micros(now),
        bid);
    return !strings(c, "SELECT bid FROM " + batches + " WHERE bid = ? AND open = 1", bid).isEmpty();
  }

  public void leave(Connection c, String bid, String jid) throws SQLException {
    update(
        c, "DELETE FROM " + members + " WHERE bid = ? AND jid = ? AND state = 'pending'", bid, jid);
  }

  public boolean finish(Connection c, String bid, String jid, MemberState state)
      throws SQLException {
    String from =
        switch (state) {
          case PENDING -> "(NULL)";
          case FAILED -> "('pending')";
          case SUCCEEDED -> "('pending', 'failed')";
        };
    return update(
            c,
            "UPDATE " + members + " SET state = ? WHERE bid = ? AND jid = ? AND state IN " + from,
            state.column(),
            bid,
            jid)
        == 1;
  }

  public boolean markComplete(Connection c, String bid, String to, Instant now)
      throws SQLException {
    return update(
            c,
            "UPDATE "
                + batches
                + " SET complete_st = ?, completed_us = ? WHERE bid = ? AND committed = 1"
                + " AND open = 0 AND complete_st = '' AND NOT EXISTS (SELECT 1 FROM "
                + members
                + " m WHERE m.bid = ? AND m.state = 'pending') AND NOT EXISTS (SELECT 1 FROM "
                + batches
                + " k WHERE k.parent_bid = ? AND k.complete_st <> '2')",
            to,
            BatchRecord.DONE.equals(to) ? micros(now) : null,
            bid,
            bid,
            bid)
        == 1;
  }

  /** {@link #markComplete} or {@link #markSuccess} to {@code "1"}: the callback fires. */
  public boolean markFired(Connection c, String bid, Callback which, Instant now)
      throws SQLException {
    return which == Callback.COMPLETE
        ? markComplete(c, bid, BatchRecord.ENQUEUED, now)
        : markSuccess(c, bid, BatchRecord.ENQUEUED);
  }

  public boolean markSuccess(Connection c, String bid, String to) throws SQLException {
    return update(
            c,
            "UPDATE "
                + batches
                + " SET success_st = ? WHERE bid = ? AND complete_st = '2' AND success_st = ''"
                + " AND NOT EXISTS (SELECT 1 FROM "
                + members
                + " m WHERE m.bid = ? AND m.state <> 'succeeded') AND NOT EXISTS (SELECT 1 FROM "
                + batches
                + " k WHERE k.parent_bid = ? AND k.success_st <> '2')",
            to,
            bid,
            bid,
            bid)
        == 1;
  }

  public boolean callbackDone(Connection c, String bid, Callback callback, Instant now)
      throws SQLException {
    if (callback == Callback.COMPLETE) {
      return update(
              c,
              "UPDATE "
                  + batches
                  + " SET complete_st = '2', completed_us = ? WHERE bid = ? AND complete_st = '1'",
              micros(now),
              bid)
          == 1;
    }
    return update(
            c,
            "UPDATE " + batches + " SET success_st = '2' WHERE bid = ? AND success_st = '1'",
            bid)
        == 1;
  }

  /** A keyset page over the primary key: {@code ... AND bid > ? ORDER BY bid LIMIT ?}. */
  public List<String> unsettled(Connection c, String after, int limit) throws SQLException {
    return strings(
        c,
        "SELECT bid FROM "
            + batches
            + " WHERE committed = 1 AND open = 0 AND (complete_st <> '2' OR success_st <> '2')"
            + " AND bid > ? ORDER BY bid LIMIT ?",
        after == null ? "" : after,
        limit);
  }

  /** Run in one transaction: picks expired never-committed batches and deletes them. */
  public List<String> expire(Connection c, Instant now, int limit) throws SQLException {
    List<String> bids =
        strings(
            c,
            "SELECT bid FROM "
                + batches
                + " WHERE committed = 0 AND expires_us <= ? ORDER BY expires_us LIMIT ?"
                + skipLocked,
            micros(now),
            limit);
    deleteAll(c, bids);
    return bids;
  }

  /** Run in one transaction: closes re-opened batches whose COMMIT did not come in time. */
  public List<String> closeStaleReopens(Connection c, Instant now, int limit) throws SQLException {
    List<String> bids =
        strings(
            c,
            "SELECT bid FROM "
                + batches
                + " WHERE committed = 1 AND open = 1 AND expires_us <= ? ORDER BY expires_us"
                + " LIMIT ?"
                + skipLocked,
            micros(now),
            limit);
    for (String bid : bids) {
      update(c, "UPDATE " + batches + " SET open = 0 WHERE bid = ?", bid);
    }
    return bids;
  }

  /** Run in one transaction: deletes batches completed at or before {@code before}. */
  public int purge(Connection c, Instant before, int limit) throws SQLException {
    List<String> bids =
        strings(
            c,
            "SELECT bid FROM "
                + batches
                + " WHERE completed_us IS NOT NULL AND completed_us <= ? ORDER BY completed_us"
                + " LIMIT ?"
                + skipLocked,
            micros(before),
            limit);
    deleteAll(c, bids);
    return bids.size();
  }

  private void deleteAll(Connection c, List<String> bids) throws SQLException {
    for (String bid : bids) {
      update(c, "DELETE FROM " + members + " WHERE bid = ?", bid);
      update(c, "DELETE FROM " + batches + " WHERE bid = ?", bid);
    }
  }

  public BatchCounts counts(Connection c) throws SQLException {
    try (PreparedStatement p =
            c.prepareStatement(
                "SELECT coalesce(sum(CASE WHEN open = 1 THEN 1 ELSE 0 END), 0),"
                    + " coalesce(sum(CASE WHEN open = 0 AND complete_st <> '2' THEN 1 ELSE 0"
                    + " END), 0), coalesce(sum(CASE WHEN open = 0 AND complete_st = '2' THEN 1"
                    + " ELSE 0 END), 0) FROM "
                    + batches);
        ResultSet rs = p.executeQuery()) {
      rs.next();
      return new BatchCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3));
    }
  }

  private static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, params);
      return p.executeUpdate();
    }
  }

  private static List<String> strings(Connection c, String sql, Object... params)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      bind(p, params);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  static void bind(PreparedStatement p, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object v = params[i];
      switch (v) {
        case null -> p.setNull(i + 1, Types.BIGINT);
        case String s -> p.setString(i + 1, s);
        case Integer n -> p.setInt(i + 1, n);
        case Long n -> p.setLong(i + 1, n);
        default -> throw new IllegalArgumentException("cannot bind " + v.getClass());
      }
    }
  }

  static long micros(Instant t) {
    return Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1_000;
  }

  private static void setMicros(PreparedStatement p, int index, Instant t) throws SQLException {
    if (t == null) {
      p.setNull(index, Types.BIGINT);
    } else {
      p.setLong(index, micros(t));
    }
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }
}
