package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The statements that look a reservation up by jid (ACK above all) read {@code jobs_reserved_jid},
 * whatever the table's statistics say. The trap: when ANALYZE last ran while no job was reserved,
 * both partial indexes of reserved rows look empty to the planner, and a full scan of the deadline
 * index, checking each reservation's jid in the heap, costs the same on paper as the jid lookup; an
 * ACK batch then grows with the number of jobs in flight (measured: 511 buffers for 20 jids instead
 * of ~60, PostgreSQL's CPU per drained job ×2.2). The deadline index's predicate is one no jid
 * lookup implies (V12), so the planner cannot pick it for them, while the reaper still does.
 */
class PgReservedLookupPlanTest {
  private static final int QUEUED = 50_000;
  private static final int RESERVED = 200;

  private final PgDatabase db = PgTestDatabase.migrated("pgjidplan", 2);

  @BeforeEach
  void statisticsTakenWithNothingReserved() throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(
          db.sql(
              "INSERT INTO {s}.jobs (queue, jid, payload) SELECT 'q', md5(g::text), '\\x7b7d'::bytea"
                  + " FROM generate_series(1, "
                  + QUEUED
                  + ") g"));
      s.execute(db.sql("ANALYZE {s}.jobs"));
      s.execute(
          db.sql(
              "UPDATE {s}.jobs SET wid = 'w', reserved_at_us = 1, reserved_until_us = 2000000,"
                  + " reserved_seq = nextval('{s}.reservation_seq')"
                  + " WHERE id IN (SELECT id FROM {s}.jobs ORDER BY id LIMIT "
                  + RESERVED
                  + ")"));
    }
  }

  @AfterEach
  void drop() {
    PgTestDatabase.drop(db);
    db.close();
  }

  @Test
  void anAckBatchLooksItsJidsUpInTheJidIndexUnderCustomAndGenericPlans() throws SQLException {
    String ack = new PgAcks(db, false).statement();
    for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
      String plan = plan(ack, mode, jids(), "'chan'", "'token'");
      assertThat(plan).as(mode + ":\n" + plan).contains("jobs_reserved_jid");
      assertThat(plan).as(mode + ":\n" + plan).doesNotContain("jobs_reserved_until");
    }
  }

  /**
   * The jids of ten of the reserved jobs (md5 of their row number, as inserted), as an array
   * literal.
   */
  private static String jids() {
    StringBuilder out = new StringBuilder("'{");
    for (int i = 1; i <= 10; i++) {
      out.append(i > 1 ? "," : "").append(md5(Integer.toString(i * 7)));
    }
    return out.append("}'").toString();
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * EXPLAIN of {@code sql} (JDBC placeholders) prepared server-side and executed with {@code args}
   * (SQL literals), planned as {@code mode} asks: a pooled connection runs the statement as a named
   * prepared statement whose plan the plan cache picks, custom or generic.
   */
  private String plan(String sql, String mode, String... args) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      if (ch == '?') {
        numbered.append('$').append(++n);
      } else {
        numbered.append(ch);
      }
    }
    assertThat(n).as("placeholders").isEqualTo(args.length);
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("PREPARE looked AS " + numbered);
      try {
        s.execute("SET plan_cache_mode = " + mode);
        List<String> lines = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery("EXPLAIN EXECUTE looked(" + String.join(", ", args) + ")")) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
        return String.join("\n", lines);
      } finally {
        s.execute("RESET plan_cache_mode");
        s.execute("DEALLOCATE looked");
      }
    }
  }
}
