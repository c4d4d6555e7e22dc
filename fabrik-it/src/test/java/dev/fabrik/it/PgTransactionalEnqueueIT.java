package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.client.Jobs;
import dev.fabrik.client.TransactionalEnqueue;
import dev.fabrik.protocol.Job;
import dev.fabrik.server.storage.postgres.PgUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Transactional enqueue end to end (issue 13): an application enqueues jobs in its own PostgreSQL
 * transaction, from Java ({@link TransactionalEnqueue}) and in plain SQL ({@code schema.push},
 * {@code schema.push_bulk}), on a connection of its own that never talks to the server; a Node
 * {@code faktory-worker} connected to a server node ({@code --storage postgres}) on that database
 * is given exactly the committed jobs, in commit order, and none of the rolled-back ones.
 */
class PgTransactionalEnqueueIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private PgSchema schema;
  private InProcessServer node;
  private NodeScript.Running worker;

  @BeforeEach
  void startNode() {
    schema = PgSchema.fresh("it_tx_enqueue");
    node = InProcessServer.start(schema.node());
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.kill();
    }
    if (node != null) {
      node.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void aNodeWorkerIsGivenTheCommittedJobsAndNeverTheRolledBackOnes() throws SQLException {
    worker = NodeScript.start("tx-enqueue.js", node.url(), TIMEOUT);
    worker.awaitEvent("ready");
    String s = schema.name();
    long firstCommitMs;
    try (Connection app = applicationConnection()) {
      app.setAutoCommit(false);
      // Everything of this transaction is rolled back: the worker must never see it.
      TransactionalEnqueue.push(app, s, job("TxJava", "rolled-back"));
      TransactionalEnqueue.pushBulk(
          app,
          s,
          List.of(job("TxJava", "rolled-back-bulk-1"), job("TxJava", "rolled-back-bulk-2")));
      sql(
          app,
          "SELECT "
              + s
              + ".push('{\"jobtype\":\"TxSql\",\"args\":[\"rolled-back\"],"
              + "\"queue\":\"tx\"}')");
      app.rollback();

      TransactionalEnqueue.push(app, s, job("TxJava", "committed"));
      app.commit();
      firstCommitMs = System.currentTimeMillis();
      TransactionalEnqueue.pushBulk(
          app, s, List.of(job("TxJava", "bulk-1"), job("TxJava", "bulk-2")));
      app.commit();
      sql(
          app,
          "SELECT "
              + s
              + ".push('{\"jobtype\":\"TxSql\",\"args\":[\"sql-1\"],"
              + "\"queue\":\"tx\"}')");
      app.commit();
      sql(
          app,
          "SELECT "
              + s
              + ".push_bulk('[{\"jobtype\":\"TxSql\",\"args\":[\"sql-bulk-1\"],"
              + "\"queue\":\"tx\"},{\"jobtype\":\"TxEnd\",\"args\":[\"end\"],\"queue\":\"tx\"}]')");
      app.commit();
    }

    JsonNode ok = worker.awaitOk();
    List<String> ran = new ArrayList<>();
    for (JsonNode r : ok.path("ran")) {
      ran.add(r.path("type").asString() + ":" + r.path("arg").asString());
    }
    assertThat(ran)
        .containsExactly(
            "TxJava:committed",
            "TxJava:bulk-1",
            "TxJava:bulk-2",
            "TxSql:sql-1",
            "TxSql:sql-bulk-1",
            "TxEnd:end");
    try (Connection app = applicationConnection()) {
      assertThat(count(app, "SELECT count(*) FROM " + s + ".jobs")).as("rows left").isZero();
    }
    // The worker sat in a blocking FETCH on the node; the NOTIFY sent at COMMIT (V1's trigger)
    // must wake it within milliseconds. Waiting out the FETCH (2 s) or a poll shows as 1 s or more.
    long wakeMs = ok.path("ran").get(0).path("at").asLong() - firstCommitMs;
    assertThat(wakeMs)
        .as("commit to delivery in ms: the node's LISTEN (PgWakeups) must wake the blocked FETCH")
        .isLessThan(500);
  }

  private static Job job(String type, String arg) {
    return Jobs.builder(type).queue("tx").args(arg).build();
  }

  /** The application's own connection: straight to the database, as a web app's pool would. */
  private static Connection applicationConnection() throws SQLException {
    PgUrl url = PgUrl.parse(System.getenv(PgSchema.ENV));
    Properties p = new Properties();
    if (url.user() != null) {
      p.setProperty("user", url.user());
    }
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    return DriverManager.getConnection(url.jdbcUrl(), p);
  }

  private static void sql(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
