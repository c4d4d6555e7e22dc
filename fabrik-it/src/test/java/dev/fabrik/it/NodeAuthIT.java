package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** faktory-worker's password handshake (iterated SHA-256 over the greeting's salt). */
class NodeAuthIT {
  private static final String PASSWORD = "s3cret-Passw0rd";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static InProcessServer server;

  @BeforeAll
  static void startServer() {
    server = InProcessServer.start(InProcessServer.base().storage("memory").password(PASSWORD));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void correctPasswordIsAccepted() {
    JsonNode ok = NodeScript.run("auth.js", server.url(PASSWORD), TIMEOUT, "accepted");

    assertThat(ok.path("rejected").asBoolean()).isFalse();
  }

  @Test
  void wrongPasswordIsRejected() {
    JsonNode ok = NodeScript.run("auth.js", server.url("not-" + PASSWORD), TIMEOUT, "rejected");

    assertThat(ok.path("message").asString()).containsIgnoringCase("invalid password");
  }

  @Test
  void missingPasswordIsRejected() {
    NodeScript.run("auth.js", server.url(), TIMEOUT, "rejected");
  }
}
