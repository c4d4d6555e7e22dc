package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A stock faktory-worker handler snoozes a job by throwing {@code new Error("snooze 2")}: the job
 * comes back about two seconds later, with no failure recorded and no failure counted.
 */
class NodeSnoozeIT extends ServerPerTest {

  @Test
  void anErrorSayingSnoozeReschedulesTheJobWithoutCountingAFailure() {
    JsonNode ok = NodeScript.run("snooze.js", server.url(), Duration.ofSeconds(40));

    JsonNode whileSnoozed = ok.path("whileSnoozed");
    assertThat(whileSnoozed.path("scheduled").asInt()).isEqualTo(1);
    assertThat(whileSnoozed.path("retries").asInt()).isZero();
    assertThat(whileSnoozed.path("failures").asInt()).isZero();
    // The scheduled pass may run up to a poll interval late, never early.
    assertThat(ok.path("delayMs").asLong()).isGreaterThanOrEqualTo(1900);
    assertThat(ok.path("secondFailure").isNull()).isTrue();
    assertThat(ok.path("secondCustom").path("snoozes").asInt()).isEqualTo(1);
    try (ProtocolConnection conn = server.connect()) {
      JsonNode info = Wire.info(conn);
      assertThat(Wire.processed(info)).isEqualTo(1);
      assertThat(info.path("faktory").path("total_failures").asLong()).isZero();
    }
  }
}
