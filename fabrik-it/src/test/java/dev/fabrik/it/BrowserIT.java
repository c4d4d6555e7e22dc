package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The web UI in a real headless Chromium (Debian's, driven by playwright-core from the {@code
 * ui-*.js} scenarios), against a real server. The Java side sets up and checks state over the
 * protocol; the script clicks and waits for what a person would see, answering steps on stdin.
 * Every page a scenario visits is saved as {@code target/screenshots/<scenario>-<page>.png}.
 */
class BrowserIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(45);

  @TempDir Path dataDir;
  private InProcessServer server;
  private NodeScript.Running script;

  @BeforeAll
  static void browserInstalled() {
    Path chromium = Path.of(chromium());
    if (!Files.isExecutable(chromium)) {
      fail("no Chromium at " + chromium + ": apt-get install chromium (dev/test does it)");
    }
    if (!Files.isDirectory(NodeScript.nodeDir().resolve("node_modules/playwright-core"))) {
      fail("playwright-core is missing: run npm ci in fabrik-it/node");
    }
  }

  @BeforeEach
  void startServer() {
    server = InProcessServer.defaultStore(dataDir);
  }

  @AfterEach
  void stop() {
    if (script != null && script.isAlive()) {
      script.kill();
    }
    server.close();
  }

  @Test
  void dashboardShowsPushedJobsWithoutReload() {
    script = start("ui-dashboard.js");
    script.awaitEvent("opened");
    try (ProtocolConnection conn = server.connect()) {
      for (int i = 0; i < 6; i++) {
        Wire.push(conn, Wire.job("mail", "SendWelcomeEmail", i));
      }
      for (int i = 0; i < 4; i++) {
        JsonNode job = Wire.fetch(conn, "mail");
        Wire.ack(conn, job.path("jid").asString());
      }
      JsonNode failing = Wire.fetch(conn, "mail");
      assertThat(
              conn.call(
                  "FAIL {\"jid\":\""
                      + failing.path("jid").asString()
                      + "\",\"message\":\"SMTP timeout\",\"errtype\":\"Net::ReadTimeout\"}"))
          .isEqualTo(Reply.OK);
      JsonNode info = Wire.info(conn);
      ObjectNode expect = JobCodec.MAPPER.createObjectNode();
      expect.put("processed", Wire.processed(info));
      expect.put("failed", info.path("faktory").path("total_failures").asLong());
      expect.put("queue", "mail");
      expect.put("size", Wire.queueSize(info, "mail"));
      script.send(expect.toString());
    }
    JsonNode ok = script.awaitOk();
    assertThat(ok.path("graphPeak").asDouble()).isPositive();
  }

  @Test
  void retryADeadJobFromItsPageAndDeleteTheOther() {
    try (ProtocolConnection conn = server.connect()) {
      deadJob(conn, "dead-ui-0001", "mailers", "ResizeImage", "<script>alert(1)</script>");
      deadJob(conn, "dead-ui-0002", "mailers", "ResizeImage", "other.png");
    }
    script = start("ui-retry-dead.js", "dead-ui-0001", "mailers");
    script.awaitOk();
    try (ProtocolConnection conn = server.connect()) {
      JsonNode info = Wire.info(conn);
      assertThat(Wire.queueSize(info, "mailers")).isEqualTo(1);
      assertThat(info.path("faktory").path("tasks").path("Dead").path("size").asLong()).isZero();
    }
    // The scenario ends by pausing the queue from its own page.
    JsonNode mailers = server.admin().queues().get(0);
    assertThat(mailers.path("name").asString()).isEqualTo("mailers");
    assertThat(mailers.path("paused").asBoolean()).isTrue();
  }

  @Test
  void pausedQueueIsSkippedByFetchUntilResumedThenRemoved() {
    try (ProtocolConnection conn = server.connect()) {
      Wire.push(conn, Wire.job("urgent", "Charge", 1));
      Wire.push(conn, Wire.job("bulk", "Report", 2));
    }
    script = start("ui-pause-queue.js", "urgent");
    script.awaitEvent("paused");
    try (ProtocolConnection conn = server.connect()) {
      JsonNode first = Wire.fetch(conn, "urgent", "bulk");
      assertThat(first.path("queue").asString()).isEqualTo("bulk");
      Wire.ack(conn, first.path("jid").asString());
      script.send("{}");
      script.awaitEvent("resumed");
      JsonNode next = Wire.fetch(conn, "urgent", "bulk");
      assertThat(next).isNotNull();
      assertThat(next.path("queue").asString()).isEqualTo("urgent");
      Wire.ack(conn, next.path("jid").asString());
      script.send("{}");
    }
    script.awaitOk();
    try (ProtocolConnection conn = server.connect()) {
      assertThat(Wire.info(conn).path("faktory").path("queues").has("urgent")).isFalse();
    }
  }

  @Test
  void quietAWorkerFromTheBusyPageWithLiveOn() {
    String wid = "ui-worker-1";
    try (ProtocolConnection worker =
            ProtocolConnection.open(
                ConnectionOptions.builder()
                    .host("127.0.0.1")
                    .port(server.port())
                    .wid(wid)
                    .hostname("app-server-1")
                    .pid(4242)
                    .labels(List.of("web-ui", "test"))
                    .build());
        ProtocolConnection producer = server.connect()) {
      assertThat(beat(worker, wid)).isEqualTo("running");
      Wire.push(producer, Wire.job("default", "LongReport", 7));
      assertThat(Wire.fetch(worker, "default")).isNotNull();

      script = start("ui-quiet-worker.js", wid);
      // With Live on, a job fetched now shows up on the open page without a reload.
      script.awaitEvent("live");
      Wire.push(producer, Wire.job("default", "NightlyExport", 8));
      JsonNode second = Wire.fetch(worker, "default");
      assertThat(second).isNotNull();
      script.send("{\"jid\":\"" + second.path("jid").asString() + "\"}");
      script.awaitOk();

      assertThat(beat(worker, wid)).isEqualTo("quiet");
    }
  }

  @Test
  void busyShowsTheProgressBarOfARunningTrackedJob() {
    try (ProtocolConnection worker = server.connect()) {
      ObjectNode tracked = Wire.job("default", "ResizeImages", 1);
      tracked.putObject("custom").put("track", 1);
      Wire.push(worker, tracked);
      ObjectNode plain = Wire.job("default", "SendDigest", 2);
      Wire.push(worker, plain);
      String jid = tracked.path("jid").asString();
      assertThat(Wire.fetch(worker, "default").path("jid").asString()).isEqualTo(jid);
      assertThat(Wire.fetch(worker, "default")).isNotNull();
      assertThat(trackSet(worker, jid, 30, "resizing images")).isEqualTo(Reply.OK);

      script = start("ui-track-progress.js", jid, plain.path("jid").asString());
      script.awaitEvent("live");
      assertThat(trackSet(worker, jid, 80, "uploading")).isEqualTo(Reply.OK);
      script.send("{}");
      script.awaitOk();
    }
  }

  @Test
  void cronPageRunsAnEntryNowThenPausesIt() {
    server
        .admin()
        .post(
            "/api/cron",
            "{\"name\":\"nightly-report\",\"schedule\":\"30 2 * * *\","
                + "\"timezone\":\"Europe/Berlin\","
                + "\"job\":{\"type\":\"NightlyReport\",\"queue\":\"reports\"}}");
    script = start("ui-cron.js", "nightly-report");
    String jid = script.awaitEvent("ran").path("jid").asString();
    try (ProtocolConnection conn = server.connect()) {
      JsonNode job = Wire.fetch(conn, "reports");
      assertThat(job.path("jid").asString()).isEqualTo(jid);
      assertThat(job.path("jobtype").asString()).isEqualTo("NightlyReport");
      assertThat(job.path("custom").path("cron").path("run_now").asBoolean()).isTrue();
      Wire.ack(conn, jid);
    }
    script.send("{}");
    script.awaitOk();
    assertThat(server.admin().get("/api/cron/nightly-report").path("paused").asBoolean()).isTrue();
  }

  @Test
  void batchesPageShowsProgressAndABatchsPendingAndFailedJobs() {
    try (ProtocolConnection conn = server.connect()) {
      String bid =
          ((Reply.Simple)
                  conn.call(
                      "BATCH NEW {\"description\":\"nightly import\","
                          + "\"complete\":{\"jobtype\":\"ImportDone\",\"queue\":\"cb\"}}"))
              .text();
      List<String> jids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ObjectNode job = Wire.job("imports", "Import", i);
        job.put("retry", 0);
        job.putObject("custom").put("bid", bid);
        Wire.push(conn, job);
        jids.add(job.path("jid").asString());
      }
      assertThat(conn.call("BATCH COMMIT " + bid)).isEqualTo(Reply.OK);
      for (int i = 0; i < 3; i++) {
        String jid = Wire.fetch(conn, "imports").path("jid").asString();
        if (i == 0) {
          assertThat(conn.call("FAIL {\"jid\":\"" + jid + "\",\"message\":\"x\"}"))
              .isEqualTo(Reply.OK);
        } else {
          Wire.ack(conn, jid);
        }
      }
      // STATUS waits for the outcomes just reported.
      assertThat(((Reply.Bulk) conn.call("BATCH STATUS " + bid)).text()).contains("\"pending\":1");
      script = start("ui-batches.js", bid, jids.get(3), jids.get(0));
      script.awaitOk();
    }
  }

  @Test
  void limitsPageShowsSlotsInUseAndRemovesARuleSetThroughTheApi() {
    server
        .admin()
        .post("/api/limits", "{\"scope\":\"queue\",\"name\":\"scraper\",\"concurrency\":2}");
    server
        .admin()
        .post(
            "/api/limits",
            "{\"scope\":\"jobtype\",\"name\":\"SendEmail\",\"rate\":10,\"period\":60,"
                + "\"key\":\"args.0\"}");
    try (ProtocolConnection conn = server.connect()) {
      for (int i = 0; i < 3; i++) {
        Wire.push(conn, Wire.job("scraper", "Scrape", i));
      }
      JsonNode first = Wire.fetch(conn, "scraper");
      JsonNode second = Wire.fetch(conn, "scraper");
      assertThat(first).isNotNull();
      assertThat(second).isNotNull();
      // Both slots are taken: the third job waits for one, however long the FETCH waited.
      assertThat(Wire.fetch(conn, "scraper")).isNull();

      script = start("ui-limits.js", "queue:scraper", "jobtype:SendEmail");
      script.awaitOk();
      assertThat(server.admin().get("/api/limits").path("limits").size()).isEqualTo(1);
      Wire.ack(conn, first.path("jid").asString());
      Wire.ack(conn, second.path("jid").asString());
    }
  }

  @Test
  void workflowsPageListsHeldJobsAndAJobPageShowsItsNeighbours() {
    try (ProtocolConnection conn = server.connect()) {
      ObjectNode root = Wire.job("wf-ui", "Download", 1);
      root.putObject("custom").putArray("after");
      ObjectNode mid = Wire.job("wf-ui", "Resize", 2);
      mid.putObject("custom").putArray("after").add(root.path("jid").asString());
      ObjectNode last = Wire.job("wf-ui", "Publish", 3);
      last.putObject("custom").putArray("after").add(mid.path("jid").asString());
      Wire.push(conn, root);
      Wire.push(conn, mid);
      Wire.push(conn, last);
      // the root runs (active) while the others wait for it
      assertThat(Wire.fetch(conn, "wf-ui").path("jid").asString())
          .isEqualTo(root.path("jid").asString());

      script =
          start(
              "ui-workflows.js",
              root.path("jid").asString(),
              mid.path("jid").asString(),
              last.path("jid").asString());
      script.awaitOk();
      Wire.ack(conn, root.path("jid").asString());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Reply trackSet(ProtocolConnection conn, String jid, int percent, String desc) {
    ObjectNode set = JobCodec.MAPPER.createObjectNode();
    set.put("jid", jid);
    set.put("percent", percent);
    set.put("desc", desc);
    return conn.call("TRACK SET " + set);
  }

  private NodeScript.Running start(String file, String... args) {
    String scenario = file.replaceFirst("^ui-", "").replaceFirst("\\.js$", "");
    Map<String, String> env =
        Map.of(
            "FABRIK_WEB_URL",
            "http://127.0.0.1:" + server.webPort(),
            "SCREENSHOT_DIR",
            screenshotDir().toString(),
            "SCENARIO",
            scenario,
            "CHROMIUM",
            chromium());
    return NodeScript.start(file, env, server.url(), TIMEOUT, args);
  }

  /** "running", "quiet" or "terminate", as the BEAT reply says. */
  private static String beat(ProtocolConnection worker, String wid) {
    Reply reply = worker.call("BEAT {\"wid\":\"" + wid + "\",\"rss_kb\":123456}");
    if (reply.equals(Reply.OK)) {
      return "running";
    }
    assertThat(reply).isInstanceOf(Reply.Bulk.class);
    return JobCodec.MAPPER.readTree(((Reply.Bulk) reply).text()).path("state").asString();
  }

  /** Pushes a job that dies on its first failure (retry -1), fetches and fails it. */
  private static void deadJob(
      ProtocolConnection conn, String jid, String queue, String jobtype, String arg) {
    ObjectNode job = Wire.job(queue, jobtype, 0);
    job.put("jid", jid);
    job.putArray("args").add(arg).add(640);
    job.put("retry", -1);
    Wire.push(conn, job);
    assertThat(Wire.fetch(conn, queue).path("jid").asString()).isEqualTo(jid);
    String fail =
        "FAIL {\"jid\":\""
            + jid
            + "\",\"message\":\"image too large\",\"errtype\":\"ImageError\","
            + "\"backtrace\":[\"app/jobs/resize.rb:12:in `perform'\",\"lib/worker.rb:40\"]}";
    assertThat(conn.call(fail)).isEqualTo(Reply.OK);
  }

  private static String chromium() {
    String configured = System.getenv("CHROMIUM");
    return configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured;
  }

  private static Path screenshotDir() {
    String configured = System.getProperty("fabrik.screenshots");
    return configured != null
        ? Path.of(configured)
        : Path.of("target", "screenshots").toAbsolutePath();
  }
}
