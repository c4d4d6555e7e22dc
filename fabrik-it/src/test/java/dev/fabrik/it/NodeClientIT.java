package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ProtocolConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The npm client faktory-worker 4.7.1, used the way its README shows, against a fresh SQLite-backed
 * server per test. The scenario scripts assert on what the client sees and exit non-zero otherwise;
 * these tests then cross-check the server's side over the raw protocol.
 */
class NodeClientIT extends ServerPerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(40);

  @Test
  void pushFetchAckKeepsThePayloadAndCountsProcessed() {
    JsonNode ok = NodeScript.run("push-fetch-ack.js", server.url(), TIMEOUT);

    assertThat(ok.path("workerArgs").toString()).isEqualTo("[\"x\"]");
    try (ProtocolConnection conn = server.connect()) {
      JsonNode info = Wire.info(conn);
      assertThat(Wire.processed(info)).isEqualTo(2);
      assertThat(Wire.queueSize(info, "pfa")).isZero();
      assertThat(Wire.queueSize(info, "default")).isZero();
    }
  }

  @Test
  void pushBulkReportsOnlyTheInvalidJob() {
    JsonNode ok = NodeScript.run("push-bulk.js", server.url(), TIMEOUT);

    assertThat(ok.path("rejected").propertyNames()).containsExactly("bad-job-without-type-0001");
    assertThat(ok.path("ran").toString()).isEqualTo("[0,1,2,3,4]");
    try (ProtocolConnection conn = server.connect()) {
      assertThat(Wire.processed(Wire.info(conn))).isEqualTo(5);
    }
  }

  @Test
  void scheduledJobRunsAfterItsTime() {
    JsonNode ok = NodeScript.run("scheduled.js", server.url(), TIMEOUT, "3");

    // The script already failed if it ran early; the scheduler polls, so allow it to be late.
    assertThat(ok.path("lateMs").asLong()).isBetween(0L, 15_000L);
  }

  @Test
  void failingJobRetriesOnceThenDies() {
    JsonNode ok = NodeScript.run("retry-dead.js", server.url(), TIMEOUT);

    assertThat(ok.path("attempts").asInt()).isEqualTo(2);
    try (ProtocolConnection conn = server.connect()) {
      JsonNode info = Wire.info(conn);
      assertThat(info.path("faktory").path("total_failures").asLong()).isEqualTo(2);
      assertThat(info.path("faktory").path("tasks").path("Dead").path("size").asLong())
          .isEqualTo(1);
    }
  }

  @Test
  void mutateKillDiscardRequeueWithFilters() {
    JsonNode ok = NodeScript.run("mutate.js", server.url(), TIMEOUT);

    assertThat(ok.path("steps")).hasSize(7);
    try (ProtocolConnection conn = server.connect()) {
      JsonNode info = Wire.info(conn);
      assertThat(Wire.queueSize(info, "mutq")).isZero();
      assertThat(info.path("faktory").path("tasks").path("Scheduled").path("size").asLong())
          .isZero();
    }
  }

  @Test
  void pausedQueueIsSkippedUntilResumed() {
    JsonNode ok = NodeScript.run("queue-pause.js", server.url(), TIMEOUT);

    assertThat(ok.path("order").toString()).isEqualTo("[\"D1\",\"D2\",\"P\"]");
  }
}
