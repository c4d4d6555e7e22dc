package dev.fabrik.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** FAIL asking for a snooze, both forms, over the wire; INFO, TRACK and /metrics see it. */
class SnoozeWireTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-06-30T17:00:00Z"));
  private FabrikServer server;
  private RawClient c;

  @BeforeEach
  void start() throws IOException {
    server = TestServers.start(TestServers.config().webPort(0).build(), clock);
    c = RawClient.worker(server.port(), "w-snooze");
  }

  @AfterEach
  void stop() throws IOException {
    c.close();
    server.stop(Duration.ofSeconds(5));
  }

  private void pushAndFetch(String jid) throws IOException {
    assertThat(
            c.call(
                "PUSH {\"jid\":\""
                    + jid
                    + "\",\"jobtype\":\"Nap\",\"args\":[],\"custom\":{\"track\":1}}"))
        .isEqualTo("+OK\r\n");
    assertThat(c.bulk("FETCH default")).contains(jid);
  }

  private JsonNode sets() throws IOException {
    return JobCodec.MAPPER.readTree(c.bulk("INFO")).path("faktory").path("sets");
  }

  @Test
  void bothFormsScheduleTheJobWithoutCountingAFailure() throws Exception {
    pushAndFetch("nap-by-message");
    assertThat(
            c.call(
                "FAIL {\"jid\":\"nap-by-message\",\"errtype\":\"Error\",\"message\":\"Snooze 30S\"}"))
        .isEqualTo("+OK\r\n");
    pushAndFetch("nap-by-field-1");
    assertThat(c.call("FAIL {\"jid\":\"nap-by-field-1\",\"snooze\":2.5}")).isEqualTo("+OK\r\n");

    JsonNode sets = sets();
    assertThat(sets.path("scheduled").longValue()).isEqualTo(2);
    assertThat(sets.path("retries").longValue()).isZero();
    assertThat(sets.path("working").longValue()).isZero();
    JsonNode info = JobCodec.MAPPER.readTree(c.bulk("INFO")).path("faktory");
    assertThat(info.path("total_failures").longValue()).isZero();
    assertThat(
            JobCodec.MAPPER.readTree(c.bulk("TRACK GET nap-by-message")).path("state").asString())
        .isEqualTo("enqueued");

    HttpClient http = HttpClient.newHttpClient();
    try (http) {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.webPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains("fabrik_jobs_snoozed_total{jobtype=\"Nap\"} 2.0")
          .contains("fabrik_jobs_failed_total{jobtype=\"Nap\",reason=\"fail\"} 0.0")
          .contains("fabrik_jobs_processed_total{jobtype=\"Nap\"} 0.0");
    }
  }

  @Test
  void aBadSnoozeFieldIsRefusedAndTheJobStaysReserved() throws Exception {
    pushAndFetch("nap-refused-1");
    assertThat(c.call("FAIL {\"jid\":\"nap-refused-1\",\"snooze\":\"soon\"}"))
        .isEqualTo("-ERR snooze must be a number of seconds\r\n");
    assertThat(c.call("FAIL {\"jid\":\"nap-refused-1\",\"snooze\":0}"))
        .isEqualTo("-ERR snooze must be a number of seconds above 0 and at most 31536000\r\n");
    assertThat(sets().path("working").longValue()).isEqualTo(1);
    // The worker can still end the run properly.
    assertThat(c.call("FAIL {\"jid\":\"nap-refused-1\",\"snooze\":60}")).isEqualTo("+OK\r\n");
    assertThat(sets().path("scheduled").longValue()).isEqualTo(1);
  }
}
