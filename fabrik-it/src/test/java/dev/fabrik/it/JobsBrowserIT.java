package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One job at a time in a real headless Chromium ({@code ui-jobs.js}): a queued job deleted and
 * another moved to the front from the queue's page (a real client then fetches the moved one
 * first), and the header's search box finding a dead, an in-progress and a queued job by jid from
 * other pages; the pages fit at 1280 and 390 px. Screenshots in {@code target/screenshots/jobs-*}.
 */
class JobsBrowserIT {

  @TempDir Path dataDir;
  private InProcessServer server;
  private NodeScript.Running script;

  @BeforeEach
  void startServer() {
    UiScenario.requireBrowser();
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
  void deleteRunNextAndFindByJid() {
    try (ProtocolConnection conn = server.connect();
        ProtocolConnection worker = server.connect()) {
      for (String jid :
          new String[] {"ui-first-001", "ui-delete-01", "ui-keep-0001", "ui-next-0001"}) {
        ObjectNode job = Wire.job("ui-jobs", "SendInvoice", 1);
        job.put("jid", jid);
        Wire.push(conn, job);
      }
      ObjectNode dying = Wire.job("ui-dying", "ResizeImage", 2);
      dying.put("jid", "ui-dead-0001");
      dying.put("retry", -1);
      Wire.push(conn, dying);
      assertThat(Wire.fetch(conn, "ui-dying").path("jid").asString()).isEqualTo("ui-dead-0001");
      assertThat(
              conn.call(
                  "FAIL {\"jid\":\"ui-dead-0001\",\"message\":\"too large\",\"errtype\":\"ImageError\"}"))
          .isEqualTo(Reply.OK);
      ObjectNode running = Wire.job("ui-busy", "Export", 3);
      running.put("jid", "ui-busy-0001");
      Wire.push(conn, running);
      assertThat(Wire.fetch(worker, "ui-busy").path("jid").asString()).isEqualTo("ui-busy-0001");

      script =
          UiScenario.start(
              server,
              "ui-jobs.js",
              "ui-jobs",
              "ui-delete-01",
              "ui-next-0001",
              "ui-dead-0001",
              "ui-busy-0001",
              "ui-keep-0001");
      script.awaitEvent("moved");
      JsonNode first = Wire.fetch(conn, "ui-jobs");
      assertThat(first.path("jid").asString()).isEqualTo("ui-next-0001");
      Wire.ack(conn, first.path("jid").asString());
      script.send("{}");
      script.awaitOk();

      assertThat(Wire.queueSize(Wire.info(conn), "ui-jobs")).isEqualTo(2);
      assertThat(Wire.fetch(conn, "ui-jobs").path("jid").asString()).isEqualTo("ui-first-001");
      assertThat(Wire.fetch(conn, "ui-jobs").path("jid").asString()).isEqualTo("ui-keep-0001");
    }
  }
}
