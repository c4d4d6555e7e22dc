package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Failure triage in a real headless Chromium ({@code ui-triage.js}): dead jobs that failed the same
 * way with different values form one group, the group page lists them, and "Retry all" sends the
 * whole group back to its queue. Screenshots at 1280 and 390 px as {@code triage-*.png}.
 */
class TriageBrowserIT {

  @TempDir Path dataDir;
  private InProcessServer server;
  private NodeScript.Running script;

  @BeforeAll
  static void browserInstalled() {
    UiScenario.requireBrowser();
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
  void aFailureGroupIsRetriedInBulkFromItsPage() {
    try (ProtocolConnection conn = server.connect()) {
      for (int i = 1; i <= 3; i++) {
        dies(conn, "charge-" + i, "Charge", "card " + (4000 + i) + " declined by 'bank-" + i + "'");
      }
      dies(conn, "mail-0001", "SendEmail", "SMTP timeout after 30s");
    }
    script = UiScenario.start(server, "ui-triage.js", "3", "2");
    JsonNode ok = script.awaitOk();
    assertThat(ok.path("flash").asString()).isEqualTo("3 jobs retried");
    try (ProtocolConnection conn = server.connect()) {
      JsonNode info = Wire.info(conn);
      assertThat(Wire.queueSize(info, "billing")).isEqualTo(3);
      assertThat(info.path("faktory").path("tasks").path("Dead").path("size").asLong())
          .isEqualTo(1);
    }
  }

  /** Pushes a job that dies on its first failure (retry -1), fetches and fails it. */
  private static void dies(ProtocolConnection conn, String jid, String jobtype, String message) {
    ObjectNode job = Wire.job("billing", jobtype, 0);
    job.put("jid", jid);
    job.put("retry", -1);
    Wire.push(conn, job);
    assertThat(Wire.fetch(conn, "billing").path("jid").asString()).isEqualTo(jid);
    String fail =
        "FAIL {\"jid\":\""
            + jid
            + "\",\"message\":\""
            + message
            + "\",\"errtype\":\"PaymentError\","
            + "\"backtrace\":[\"app/jobs/charge.rb:"
            + jid.length()
            + ":in `perform'\",\"lib/worker.rb:40\"]}";
    assertThat(conn.call(fail)).isEqualTo(Reply.OK);
  }
}
