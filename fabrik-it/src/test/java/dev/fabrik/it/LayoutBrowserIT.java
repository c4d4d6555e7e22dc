package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The web UI fits the screen: every page, filled with the kind of data that broke it before (long
 * error messages and backtraces, long job types and arguments, several labelled workers with jobs
 * in progress, a job due in 2099), at 1280x900 and 390x844 and in the dark colour scheme (see
 * scenarios/ui-layout.js for what counts as not fitting). A new page joins by adding its path to
 * {@link #pages}.
 */
class LayoutBrowserIT {
  private static final String LONG_TYPE =
      "Billing::Invoices::GenerateMonthlyStatementPdfForCustomerJob";
  private static final String LONG_MESSAGE =
      "PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint"
          + " \"index_invoice_line_items_on_invoice_id_and_position_and_currency_code\" DETAIL:  Key"
          + " (invoice_id, position, currency_code)=(98231744, 17, EUR) already exists. while"
          + " generating statement 2026-11/acct_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

  @TempDir Path dataDir;
  private final List<ProtocolConnection> open = new ArrayList<>();
  private InProcessServer server;
  private NodeScript.Running script;

  @BeforeAll
  static void browserInstalled() {
    UiScenario.requireBrowser();
  }

  @AfterEach
  void stop() {
    if (script != null && script.isAlive()) {
      script.kill();
    }
    open.forEach(ProtocolConnection::close);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyPageFitsAt1280And390InBothColourSchemes() {
    // The workers beat once; a long TTL keeps them listed however slowly the browser goes.
    server =
        InProcessServer.start(
            InProcessServer.base().dataDir(dataDir).workerTtl(java.time.Duration.ofMinutes(10)));
    List<Page> pages = pages(fill());
    ArrayNode list = JobCodec.MAPPER.createArrayNode();
    pages.forEach(
        p -> list.addObject().put("name", p.name()).put("path", p.path()).put("dark", p.dark()));
    script = UiScenario.start(server, "ui-layout.js", list.toString());
    JsonNode ok = script.awaitOk();
    assertThat(ok.path("pages").asInt()).isEqualTo(pages.size());
  }

  @Test
  void liveGraphDrawsWhenTheUrlCarriesCredentials() {
    server = InProcessServer.start(InProcessServer.base().storage("memory").password("s3cret"));
    try (ProtocolConnection conn =
        ProtocolConnection.open(
            ConnectionOptions.builder()
                .host("127.0.0.1")
                .port(server.port())
                .password("s3cret")
                .build())) {
      for (int i = 0; i < 5; i++) {
        Wire.push(conn, Wire.job("mail", "SendWelcomeEmail", i));
        Wire.ack(conn, Wire.fetch(conn, "mail").path("jid").asString());
      }
    }
    script =
        UiScenario.startAt(
            "http://:s3cret@127.0.0.1:" + server.webPort(), server, "ui-credentials.js");
    assertThat(script.awaitOk().path("points").asInt()).isPositive();
  }

  /**
   * A page of the UI: {@code name} names its screenshots; {@code dark}: also checked in the dark
   * colour scheme (a few pages show every kind of element; all of them would cost CI time).
   */
  record Page(String name, String path, boolean dark) {
    Page(String name, String path) {
      this(name, path, false);
    }
  }

  /** What {@link #fill} left to link to. */
  record Filled(String deadKey, String retryKey, String bid, String heldJid) {}

  private static List<Page> pages(Filled f) {
    return List.of(
        new Page("dashboard", "/", true),
        new Page("queues", "/queues"),
        new Page("queue", "/queues/" + LONG_QUEUE),
        new Page("busy", "/busy", true),
        new Page("retries", "/retries"),
        new Page("scheduled", "/scheduled"),
        new Page("dead", "/dead", true),
        new Page("job", "/dead/" + f.deadKey(), true),
        new Page("retry-job", "/retries/" + f.retryKey()),
        new Page("cron", "/cron"),
        new Page("batches", "/batches"),
        new Page("batch", "/batches/" + f.bid()),
        new Page("workflows", "/workflows"),
        new Page("workflow-job", "/workflows/" + f.heldJid()),
        new Page("limits", "/limits"));
  }

  private static final String LONG_QUEUE = "reporting-monthly-statements-eu-west";

  /** Workers, jobs in progress, failures, schedules, cron, a batch, a workflow and limits. */
  private Filled fill() {
    ProtocolConnection producer = connect(null, null, List.of());
    for (int w = 1; w <= 3; w++) {
      String wid = "worker-" + w + "-7f3c9a1e5d2b4c60";
      ProtocolConnection worker =
          connect(
              wid,
              "ip-10-0-12-" + (30 + w) + ".eu-west-1.compute.internal",
              List.of("ruby-3.3.6", "reports", "priority-high", "az-eu-west-1" + (char) ('a' + w)));
      assertThat(
              worker.call(
                  "BEAT {\"wid\":\""
                      + wid
                      + "\",\"rss_kb\":"
                      + (512_000 * w)
                      + ",\"concurrency\":25,\"busy\":2}"))
          .isEqualTo(Reply.OK);
      for (int j = 0; j < 2; j++) {
        Wire.push(producer, longJob(LONG_QUEUE, w * 10 + j));
        assertThat(Wire.fetch(worker, LONG_QUEUE)).isNotNull();
      }
    }
    // A worker that fetched a job and went away: the job shows as "worker gone".
    ProtocolConnection vanished =
        connect("worker-gone-7f3c9a1e5d2b4c60", "ip-10-0-12-99", List.of("ruby-3.3.6"));
    Wire.push(producer, longJob(LONG_QUEUE, 99));
    assertThat(Wire.fetch(vanished, LONG_QUEUE)).isNotNull();
    vanished.close();
    for (int i = 0; i < 12; i++) {
      Wire.push(producer, longJob(LONG_QUEUE, 100 + i));
      Wire.push(producer, Wire.job("default", "SendWelcomeEmail", i));
    }
    for (int i = 0; i < 4; i++) {
      failed(producer, "retries", 25);
      failed(producer, "dead", -1);
    }
    ObjectNode farAway = longJob("later", 200);
    farAway.put("at", "2099-01-01T12:00:00Z");
    Wire.push(producer, farAway);
    ObjectNode soon = longJob("later", 201);
    soon.put("at", java.time.Instant.now().plusSeconds(600).toString());
    Wire.push(producer, soon);

    server
        .admin()
        .post(
            "/api/cron",
            "{\"name\":\"nightly-statement-generation-for-every-eu-customer\","
                + "\"schedule\":\"30 2 * * 1-5\",\"timezone\":\"Europe/Berlin\","
                + "\"job\":{\"type\":\""
                + LONG_TYPE
                + "\",\"queue\":\""
                + LONG_QUEUE
                + "\"}}");
    server
        .admin()
        .post(
            "/api/limits",
            "{\"scope\":\"jobtype\",\"name\":\""
                + LONG_TYPE
                + "\",\"concurrency\":4,\"rate\":100,\"period\":60,\"key\":\"args.0\"}");

    String bid =
        ((Reply.Simple)
                producer.call(
                    "BATCH NEW {\"description\":\"Monthly statements for every customer of the"
                        + " EU region, generated after the ledger closes\","
                        + "\"complete\":{\"jobtype\":\"StatementsDone\",\"queue\":\"cb\"}}"))
            .text();
    for (int i = 0; i < 3; i++) {
      ObjectNode job = longJob("imports", 300 + i);
      job.putObject("custom").put("bid", bid);
      Wire.push(producer, job);
    }
    assertThat(producer.call("BATCH COMMIT " + bid)).isEqualTo(Reply.OK);

    ObjectNode root = longJob("wf", 400);
    root.putObject("custom").putArray("after");
    ObjectNode held = longJob("wf", 401);
    held.putObject("custom").putArray("after").add(root.path("jid").asString());
    Wire.push(producer, root);
    Wire.push(producer, held);

    return new Filled(firstKey("dead"), firstKey("retries"), bid, held.path("jid").asString());
  }

  private String firstKey(String set) {
    return server.admin().get("/api/sets/" + set).path("entries").get(0).path("key").asString();
  }

  /** A job with a long type and long arguments, as real applications push them. */
  private static ObjectNode longJob(String queue, int n) {
    ObjectNode job = Wire.job(queue, LONG_TYPE, n);
    ArrayNode args = job.putArray("args");
    args.add("acct_9f8e7d6c5b4a39281706f5e4d3c2b1a0_" + n);
    args.addObject()
        .put("period", "2026-11")
        .put("currency", "EUR")
        .put("template", "statements/monthly/with-line-items-and-tax-breakdown.pdf.erb")
        .put("notify", "billing-notifications+eu-west@example.com");
    args.add("x".repeat(400));
    return job;
  }

  /** Pushes, fetches and fails a long job: retry 25 lands in retries, -1 in dead. */
  private static void failed(ProtocolConnection conn, String queue, int retry) {
    ObjectNode job = longJob(queue, retry);
    job.put("retry", retry);
    // An eighth failure: the retry is due in over an hour, so it stays in the set while the
    // browser looks (a first failure would be back in its queue within a minute).
    job.putObject("failure")
        .put("retry_count", 7)
        .put("remaining", Math.max(0, retry - 7))
        .put("failed_at", "2026-11-30T08:00:00Z")
        .put("message", "earlier")
        .put("errtype", "Timeout");
    Wire.push(conn, job);
    String jid = Wire.fetch(conn, queue).path("jid").asString();
    ObjectNode fail = JobCodec.MAPPER.createObjectNode();
    fail.put("jid", jid);
    fail.put("errtype", "ActiveRecord::RecordNotUnique");
    fail.put("message", LONG_MESSAGE);
    ArrayNode backtrace = fail.putArray("backtrace");
    for (int i = 0; i < 25; i++) {
      backtrace.add(
          "/usr/local/bundle/gems/activerecord-7.1.3/lib/active_record/connection_adapters/"
              + "postgresql/database_statements.rb:"
              + (40 + i)
              + ":in `exec_params_with_a_rather_long_method_name_"
              + i
              + "'");
    }
    assertThat(conn.call("FAIL " + fail)).isEqualTo(Reply.OK);
  }

  private ProtocolConnection connect(String wid, String hostname, List<String> labels) {
    ConnectionOptions.Builder options =
        ConnectionOptions.builder().host("127.0.0.1").port(server.port());
    if (wid != null) {
      options.wid(wid).hostname(hostname).pid(40_000 + open.size()).labels(labels);
    } else {
      options.hostname("fabrik-it");
    }
    ProtocolConnection conn = ProtocolConnection.open(options.build());
    open.add(conn);
    return conn;
  }
}
