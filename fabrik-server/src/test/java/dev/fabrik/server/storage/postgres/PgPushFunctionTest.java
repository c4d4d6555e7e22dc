package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.unique.UniqueOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.util.PSQLException;

/**
 * {@code {s}.push(jsonb)} and {@code {s}.push_bulk(jsonb)} (V3__push_function.sql) against
 * PostgreSQL: the rows they write, their defaults, what they refuse, and that the caller's
 * transaction decides (rollback: no row, no NOTIFY; commit: rows and a NOTIFY naming the queue).
 * PgPushParityTest compares them job by job with the server's own PUSH.
 */
class PgPushFunctionTest {
  private static PgDatabase db;

  @BeforeAll
  static void open() {
    db = PgTestDatabase.migrated("pgtx_push", 4);
  }

  @AfterAll
  static void close() {
    PgTestDatabase.drop(db);
    db.close();
  }

  @BeforeEach
  void empty() throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute(db.sql("TRUNCATE {s}.jobs, {s}.set_entries, {s}.queues"));
    }
  }

  @Test
  void aMinimalJobGetsPushsDefaultsAndLandsInTheDefaultQueue() throws SQLException {
    Instant before = Instant.now();
    String jid = push("{\"jid\":\"jid-00000001\",\"jobtype\":\"Mail\",\"args\":[42]}");
    Instant after = Instant.now();

    assertThat(jid).isEqualTo("jid-00000001");
    List<String[]> rows = rows("SELECT queue, priority::text, jid FROM {s}.jobs");
    assertThat(rows).containsExactly(new String[] {"default", "5", "jid-00000001"});
    Job stored = JobCodec.decode(payload("jobs", jid));
    assertThat(stored.retry()).isEqualTo(25);
    assertThat(stored.queue()).isEqualTo("default");
    assertThat(stored.createdAt()).isEqualTo(stored.enqueuedAt());
    // The server's own form: UTC, Z, fraction trimmed; it round-trips through its formatter.
    Instant created = Timestamps.parse(stored.createdAt());
    assertThat(Timestamps.format(created)).isEqualTo(stored.createdAt());
    assertThat(created).isBetween(before.minusMillis(1), after.plusMillis(1));
    assertThat(rows("SELECT name FROM {s}.queues")).containsExactly(new String[] {"default"});
  }

  @Test
  void thePayloadIsCompactJsonInJobCodecsOrder() throws SQLException {
    String jid =
        push(
            "{\"zz\": {\"b\": [1, 2.50]}, \"custom\": {\"k\": \"é \\\"q\\\"\\n\"},"
                + " \"priority\": 7.0, \"queue\": \"mail\", \"args\": [1, {\"x\": null}],"
                + " \"jobtype\": \"Mail\", \"jid\": \"jid-00000002\", \"reserve_for\": 0,"
                + " \"backtrace\": 3, \"retry\": 2}");

    byte[] payload = payload("jobs", jid);
    // JobCodec re-encodes what it reads in its stable order, compactly: no difference means the
    // function wrote that very form.
    assertThat(new String(payload, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(JobCodec.encodeToString(JobCodec.decode(payload)))
        .startsWith("{\"jid\":\"jid-00000002\",\"jobtype\":\"Mail\",\"args\":[1,{\"x\":null}],")
        .contains(",\"retry\":2,\"created_at\":")
        .contains(",\"backtrace\":3,\"custom\":{\"k\":\"é \\\"q\\\"\\n\"}")
        .doesNotContain("reserve_for")
        .endsWith(",\"zz\":{\"b\":[1,2.50]},\"priority\":7}");
    assertThat(rows("SELECT priority::text FROM {s}.jobs")).containsExactly(new String[] {"7"});
  }

  @Test
  void aFutureAtGoesToTheScheduledSetWithoutEnqueuedAt() throws SQLException {
    String jid =
        push(
            "{\"jid\":\"jid-00000003\",\"jobtype\":\"Later\",\"args\":[],\"queue\":\"q1\","
                + "\"at\":\"2099-01-02T03:04:05.1234567+01:00\"}");

    assertThat(rows("SELECT jid FROM {s}.jobs")).isEmpty();
    assertThat(rows("SELECT set_name, score_us::text, jid, queue, jobtype FROM {s}.set_entries"))
        .containsExactly(
            new String[] {
              "scheduled",
              // 02:04:05.123456 UTC: the seventh fraction digit is cut, as PgTime cuts nanos.
              Long.toString(PgTime.micros(Instant.parse("2099-01-02T02:04:05.123456Z"))),
              jid,
              "q1",
              "Later"
            });
    Job stored = JobCodec.decode(payload("set_entries", jid));
    assertThat(stored.enqueuedAt()).isNull();
    assertThat(stored.at()).isEqualTo("2099-01-02T03:04:05.1234567+01:00");
    assertThat(rows("SELECT name FROM {s}.queues")).containsExactly(new String[] {"q1"});
  }

  @Test
  void aPastAtIsEnqueuedAtOnce() throws SQLException {
    String jid =
        push(
            "{\"jid\":\"jid-00000004\",\"jobtype\":\"Now\",\"args\":[],"
                + "\"at\":\"2001-01-01T00:00:00Z\"}");

    assertThat(rows("SELECT jid FROM {s}.jobs")).containsExactly(new String[] {jid});
    assertThat(JobCodec.decode(payload("jobs", jid)).at()).isEqualTo("2001-01-01T00:00:00Z");
  }

  @Test
  void aJobWithoutJidGetsARandomOneWhichIsReturned() throws SQLException {
    String a = push("{\"jobtype\":\"A\",\"args\":[]}");
    String b = push("{\"jobtype\":\"A\",\"args\":[],\"jid\":null}");

    assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(b);
    assertThat(JobCodec.decode(payload("jobs", a)).jid()).isEqualTo(a);
  }

  @Test
  void refusalsCarryPushsTextAsSqlState22023() {
    assertRefused(
        "{\"jid\":\"short\",\"jobtype\":\"A\",\"args\":[]}",
        "22023",
        "jobs must have a reasonable jid parameter");
    assertRefused(
        "{\"jid\":\"jid-00000005\",\"args\":[]}", "22023", "jobs must have a jobtype parameter");
    assertRefused(
        "{\"jid\":\"jid-00000005\",\"jobtype\":\"A\"}",
        "22023",
        "jobs must have an args parameter");
    assertRefused("[1]", "22023", "invalid JSON: a job must be a JSON object");
    assertRefused(
        "{\"jid\":\"jid-00000005\",\"jobtype\":\"A\",\"args\":[],\"at\":\"tomorrow\"}",
        "22023",
        "invalid timestamp for 'at': \"tomorrow\"");
    // Hour 24 and February 30th: PostgreSQL would take the first; the server takes neither.
    assertRefused(
        "{\"jid\":\"jid-00000005\",\"jobtype\":\"A\",\"args\":[],\"at\":\"2030-01-01T24:00:00Z\"}",
        "22023",
        "invalid timestamp for 'at': \"2030-01-01T24:00:00Z\"");
    assertRefused(
        "{\"jid\":\"jid-00000005\",\"jobtype\":\"A\",\"args\":[],\"at\":\"2030-02-30T00:00:00Z\"}",
        "22023",
        "invalid timestamp for 'at': \"2030-02-30T00:00:00Z\"");
  }

  @Test
  void aUniqueJobClaimsTheServersLockAndASecondOneIsNotUnique() throws SQLException {
    String job =
        "{\"jid\":\"%s\",\"jobtype\":\"Report\",\"args\":[{\"b\":[1,2.50],\"a\":\"é\"}],"
            + "\"queue\":\"q\",\"custom\":{\"unique_for\":90.5}}";
    String jid = push(job.formatted("jid-unique-1"));

    byte[] payload = payload("jobs", jid);
    UniqueOption option = UniqueOption.of(JobCodec.decode(payload));
    long created = PgTime.micros(Timestamps.parse(JobCodec.decode(payload).createdAt()));
    // The key the server computes from the stored job at FETCH and ACK, so it releases this lock.
    assertThat(rows("SELECT key, jid, expires_us::text FROM {s}.unique_locks"))
        .containsExactly(new String[] {option.key(), jid, Long.toString(created + 90_500_000L)});

    assertRefused(job.formatted("jid-unique-2"), "23505", "NOTUNIQUE Job not unique");
    assertThatThrownBy(
            () ->
                pushBulk(
                    "[{\"jid\":\"jid-unique-3\",\"jobtype\":\"Other\",\"args\":[],"
                        + "\"custom\":{\"unique_for\":5}},"
                        + "{\"jid\":\"jid-unique-4\",\"jobtype\":\"Other\",\"args\":[],"
                        + "\"custom\":{\"unique_for\":5}}]"))
        .hasMessageContaining("job 2: NOTUNIQUE Job not unique");
    assertThat(rows("SELECT jid FROM {s}.jobs")).containsExactly(new String[] {jid});

    // An expired lock is taken over, as PgUniqueLocks takes it.
    try (Connection c = db.connection();
        Statement st = c.createStatement()) {
      st.execute(db.sql("UPDATE {s}.unique_locks SET expires_us = 0"));
    }
    push(job.formatted("jid-unique-5"));
    assertThat(rows("SELECT jid FROM {s}.unique_locks"))
        .containsExactly(new String[] {"jid-unique-5"});
  }

  @Test
  void argsWhoseCanonicalFormPostgresCannotWriteLikeJacksonAreRefused() {
    for (String args :
        List.of("[0.0000001]", "[0.00000000]", "[\"a\\u000bb\"]", "[{\"\ud83d\ude00\":1}]")) {
      assertRefused(
          "{\"jid\":\"jid-unique-9\",\"jobtype\":\"A\",\"args\":"
              + args
              + ",\"custom\":{\"unique_for\":5}}",
          "0A000",
          "custom.unique_for with ");
      assertThatCode(
              () -> push("{\"jid\":\"jid-unique-9\",\"jobtype\":\"A\",\"args\":" + args + "}"))
          .as("the same args without unique_for")
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aTrackedJobStartsItsRecordAsEnqueuedAndARolledBackOneLeavesNone() throws SQLException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      push(c, "{\"jid\":\"jid-00000008\",\"jobtype\":\"A\",\"args\":[],\"custom\":{\"track\":1}}");
      c.rollback();
      c.setAutoCommit(true);
    }
    assertThat(rows("SELECT jid FROM {s}.job_tracking")).isEmpty();

    push("{\"jid\":\"jid-00000008\",\"jobtype\":\"A\",\"args\":[],\"custom\":{\"track\":1}}");
    pushBulk(
        "[{\"jid\":\"jid-00000009\",\"jobtype\":\"A\",\"args\":[],\"custom\":{\"track\":true}},"
            + "{\"jid\":\"jid-00000009\",\"jobtype\":\"A\",\"args\":[],\"custom\":{\"track\":\"1\"}},"
            + "{\"jid\":\"jid-00000010\",\"jobtype\":\"A\",\"args\":[],\"custom\":{\"track\":0}}]");

    assertThat(rows("SELECT jid, state, percent, expires_us FROM {s}.job_tracking ORDER BY jid"))
        .containsExactly(
            new String[] {"jid-00000008", "enqueued", null, null},
            new String[] {"jid-00000009", "enqueued", null, null});
  }

  @Test
  void theSizeLimitIsMaxJobBytesAndTheSettingMovesIt() throws SQLException {
    String big = "x".repeat(8 * 1024 * 1024);
    assertRefused(
        "{\"jid\":\"jid-00000007\",\"jobtype\":\"A\",\"args\":[\"" + big + "\"]}",
        "22023",
        "job is too large: ");
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL fabrik.max_job_bytes = 100");
      }
      assertThatThrownBy(
              () ->
                  push(
                      c,
                      "{\"jid\":\"jid-00000007\",\"jobtype\":\"A\",\"args\":[\""
                          + "y".repeat(100)
                          + "\"]}"))
          .hasMessageContaining("bytes, the limit is 100 bytes");
      c.rollback();
    }
  }

  @Test
  void pushBulkStoresAllInOrderAndReturnsTheirJids() throws SQLException {
    List<String> jids =
        pushBulk(
            "[{\"jid\":\"jid-00000011\",\"jobtype\":\"A\",\"args\":[]},"
                + "{\"jobtype\":\"B\",\"args\":[],\"at\":\"2099-01-01T00:00:00Z\"},"
                + "{\"jid\":\"jid-00000013\",\"jobtype\":\"C\",\"args\":[],\"queue\":\"b\"},"
                + "{\"jid\":\"jid-00000014\",\"jobtype\":\"D\",\"args\":[]}]");

    assertThat(jids).hasSize(4).startsWith("jid-00000011");
    assertThat(jids.get(1)).matches("[0-9a-f]{32}");
    assertThat(rows("SELECT jid FROM {s}.jobs ORDER BY id"))
        .containsExactly(
            new String[] {"jid-00000011"},
            new String[] {"jid-00000013"},
            new String[] {"jid-00000014"});
    assertThat(rows("SELECT jid FROM {s}.set_entries")).containsExactly(new String[] {jids.get(1)});
    // One created_at for the whole array, as a PUSHB's jobs share one.
    assertThat(JobCodec.decode(payload("jobs", "jid-00000011")).createdAt())
        .isEqualTo(JobCodec.decode(payload("set_entries", jids.get(1))).createdAt())
        .isEqualTo(JobCodec.decode(payload("jobs", "jid-00000014")).createdAt());
  }

  @Test
  void pushBulkIsAllOrNothingAndNamesTheBadJob() throws SQLException {
    assertThatThrownBy(
            () ->
                pushBulk(
                    "[{\"jid\":\"jid-00000021\",\"jobtype\":\"A\",\"args\":[]},"
                        + "{\"jid\":\"jid-00000022\",\"args\":[]}]"))
        .isInstanceOfSatisfying(
            PSQLException.class,
            e -> {
              assertThat(e.getSQLState()).isEqualTo("22023");
              assertThat(e.getServerErrorMessage().getMessage())
                  .isEqualTo("job 2: jobs must have a jobtype parameter");
            });
    assertThat(rows("SELECT jid FROM {s}.jobs")).isEmpty();
    assertThat(pushBulk("[]")).isEmpty();
    assertThatThrownBy(() -> pushBulk("{\"jobtype\":\"A\"}"))
        .hasMessageContaining("invalid JSON: expected a JSON array of jobs");
  }

  @Test
  void rollbackLeavesNothingAndNotifiesNobodyWhileCommitNotifiesTheQueue() throws Exception {
    try (Connection listener = db.directConnection()) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN " + db.enqueuedChannel());
      }
      try (Connection c = db.connection()) {
        c.setAutoCommit(false);
        push(c, "{\"jid\":\"jid-00000031\",\"jobtype\":\"A\",\"args\":[],\"queue\":\"gone\"}");
        pushBulk(c, "[{\"jobtype\":\"A\",\"args\":[],\"queue\":\"gone\"}]");
        c.rollback();
        push(c, "{\"jid\":\"jid-00000032\",\"jobtype\":\"A\",\"args\":[],\"queue\":\"kept\"}");
        assertThat(rows("SELECT jid FROM {s}.jobs")).as("uncommitted").isEmpty();
        c.commit();
        c.setAutoCommit(true);
      }
      // Notifications arrive in commit order: once "kept" is here, a "gone" sent by the
      // rolled-back transaction would have arrived before it.
      List<String> heard = new ArrayList<>();
      PGConnection pg = listener.unwrap(PGConnection.class);
      while (!heard.contains("kept")) {
        PGNotification[] got = pg.getNotifications(10_000);
        assertThat(got).as("a notification within 10 s").isNotNull().isNotEmpty();
        for (PGNotification n : got) {
          heard.add(n.getParameter());
        }
      }
      assertThat(heard).containsExactly("kept");
    }
    assertThat(rows("SELECT jid, queue FROM {s}.jobs"))
        .containsExactly(new String[] {"jid-00000032", "kept"});
    assertThat(rows("SELECT name FROM {s}.queues")).containsExactly(new String[] {"kept"});
  }

  /** The grants docs/transactional-enqueue.md lists are enough for an application role. */
  @Test
  void anApplicationRoleWithTheDocumentedGrantsCanPush() throws SQLException {
    String role = db.schema() + "_app";
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + role);
      try {
        s.execute(db.sql("GRANT USAGE ON SCHEMA {s} TO " + role));
        s.execute(db.sql("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO " + role));
        s.execute(
            db.sql("GRANT SELECT, INSERT ON {s}.queues, {s}.jobs, {s}.set_entries TO " + role));
        s.execute(
            db.sql(
                "GRANT SELECT, INSERT, UPDATE ON {s}.queue_counts, {s}.set_counts,"
                    + " {s}.job_tracking, {s}.unique_locks TO "
                    + role));
        c.setAutoCommit(false);
        s.execute("SET LOCAL ROLE " + role);
        push(c, "{\"jobtype\":\"A\",\"args\":[],\"custom\":{\"track\":1}}");
        push(c, "{\"jobtype\":\"A\",\"args\":[],\"custom\":{\"unique_for\":9}}");
        push(c, "{\"jobtype\":\"A\",\"args\":[],\"at\":\"2099-01-01T00:00:00Z\"}");
        pushBulk(c, "[{\"jobtype\":\"A\",\"args\":[]},{\"jobtype\":\"A\",\"args\":[]}]");
        assertThatThrownBy(() -> s.execute(db.sql("DELETE FROM {s}.jobs")))
            .as("a role with only these grants")
            .hasMessageContaining("permission denied");
        c.rollback();
      } finally {
        c.rollback();
        c.setAutoCommit(true);
        s.execute(db.sql("REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM " + role));
        s.execute(db.sql("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {s} FROM " + role));
        s.execute(db.sql("REVOKE ALL ON SCHEMA {s} FROM " + role));
        s.execute("DROP ROLE " + role);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String push(String json) throws SQLException {
    try (Connection c = db.connection()) {
      return push(c, json);
    }
  }

  private static String push(Connection c, String json) throws SQLException {
    return push(db, c, json);
  }

  /** {@code SELECT {s}.push(?::jsonb)} on {@code c}, in its transaction. */
  static String push(PgDatabase db, Connection c, String json) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(db.sql("SELECT {s}.push(?::jsonb)"))) {
      p.setString(1, json);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static List<String> pushBulk(String json) throws SQLException {
    try (Connection c = db.connection()) {
      return pushBulk(c, json);
    }
  }

  private static List<String> pushBulk(Connection c, String json) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(db.sql("SELECT {s}.push_bulk(?::jsonb)"))) {
      p.setString(1, json);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return List.of((String[]) rs.getArray(1).getArray());
      }
    }
  }

  private static void assertRefused(String json, String sqlState, String message) {
    assertThatThrownBy(() -> push(json))
        .isInstanceOfSatisfying(
            PSQLException.class,
            e -> {
              assertThat(e.getSQLState()).isEqualTo(sqlState);
              assertThat(e.getServerErrorMessage().getMessage()).startsWith(message);
            });
  }

  private static byte[] payload(String table, String jid) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement p =
            c.prepareStatement(db.sql("SELECT payload FROM {s}." + table + " WHERE jid = ?"))) {
      p.setString(1, jid);
      try (ResultSet rs = p.executeQuery()) {
        assertThat(rs.next()).as(jid + " in " + table).isTrue();
        return rs.getBytes(1);
      }
    }
  }

  private static List<String[]> rows(String sql) throws SQLException {
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(db.sql(sql))) {
      List<String[]> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] row = new String[n];
        for (int i = 0; i < n; i++) {
          row[i] = rs.getString(i + 1);
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
