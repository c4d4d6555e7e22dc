package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Expiring jobs pushed by the npm client faktory-worker 4.7.1 ({@code custom.expires_at}, {@code
 * custom.expires_in}) against a fresh SQLite-backed server; {@code scenarios/expiring.js} asserts
 * on what the client sees, this side on what the server kept.
 */
class NodeExpiryIT extends ServerPerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(40);

  @Test
  void theExpiredJobNeverRunsTheOthersDoAndBadValuesAreRefused() {
    JsonNode ok = NodeScript.run("expiring.js", server.url(), TIMEOUT);

    assertThat(ok.path("ran").toString()).isEqualTo("[\"in\",\"at\"]");
    assertThat(ok.path("refused").asString()).contains("custom.expires_in must not be negative");
    assertThat(ok.path("bulkReason").asString()).startsWith("invalid timestamp for 'expires_at'");
    try (ProtocolConnection conn = server.connect()) {
      JsonNode info = Wire.info(conn);
      assertThat(Wire.queueSize(info, "exq")).isZero();
      assertThat(info.path("faktory").path("tasks").path("Busy").path("size").asLong()).isZero();
    }
  }
}
