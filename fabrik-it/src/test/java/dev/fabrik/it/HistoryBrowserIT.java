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
 * The job history in a real headless Chromium (scenario {@code ui-history.js}): the dashboard's
 * history graph switches between its four ranges, the Job types page sorts by its columns and links
 * to a type's failures, at 1280 and 390 px without horizontal overflow. Screenshots in {@code
 * target/screenshots/history-*.png}.
 */
class HistoryBrowserIT {

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
  void historyRangesSwitchAndJobTypesSortAndLinkToTheirFailures() {
    try (ProtocolConnection conn = server.connect()) {
      run(conn, "Resize", 6, 0, 5);
      run(conn, "Zip", 3, 1, 5);
      run(conn, "Charge", 0, 2, -1); // straight to the dead set, where they stay for the page
    }
    server.flushHistory(); // what the 5 s timer would do

    JsonNode types = server.admin().get("/api/jobtypes?range=1h");
    assertThat(types.path("jobtypes").size()).isEqualTo(3);

    script = UiScenario.start(server, "ui-history.js");
    JsonNode ok = script.awaitOk();
    assertThat(ok.path("seen").path("90d").asInt()).isEqualTo(90);
  }

  /** Pushes {@code acked + failed} jobs of {@code type} to "work", ACKs and FAILs them. */
  private static void run(ProtocolConnection conn, String type, int acked, int failed, int retry) {
    for (int i = 0; i < acked + failed; i++) {
      ObjectNode job = Wire.job("work", type, i);
      job.put("retry", retry);
      Wire.push(conn, job);
      String jid = Wire.fetch(conn, "work").path("jid").asString();
      if (i < acked) {
        Wire.ack(conn, jid);
      } else {
        String fail = "FAIL {\"jid\":\"" + jid + "\",\"message\":\"declined\",\"errtype\":\"E\"}";
        assertThat(conn.call(fail)).isEqualTo(Reply.OK);
      }
    }
  }
}
