package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.web.api.ApiServer.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/history and GET /api/jobtypes over a real server on a manual clock. */
class HistoryApiTest {
  private final ApiServer api = new ApiServer();

  @BeforeEach
  void at() {
    api.clock.set(Instant.parse("2026-07-01T10:00:30Z"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void run(String jid, String type, Duration took) throws InterruptedException {
    api.push(jid, type, "default", "");
    String fetched =
        JobCodec.decode(api.server.manager().fetch("w", List.of("default")).orElseThrow()).jid();
    api.clock.advance(took);
    api.server.manager().ack(fetched);
  }

  @Test
  void theHistoryOfTheLastHourHasAPointPerMinuteWithTheRunsOfEachMinute() throws Exception {
    run("jid-0001", "Email", Duration.ofMillis(10));
    api.failed("jid-0002", "Email", 5, "boom");
    api.clock.advance(Duration.ofMinutes(2));
    run("jid-0003", "Report", Duration.ofMillis(10));
    api.server.jobHistory().flush();

    JsonNode all = api.get("/api/history?range=1h").json();
    JsonNode email = api.get("/api/history?range=1h&jobtype=Email").json();

    assertThat(all.get("range").asString()).isEqualTo("1h");
    assertThat(all.get("step_seconds").asLong()).isEqualTo(60);
    JsonNode points = all.get("points");
    assertThat(points).hasSize(60);
    assertThat(points.get(59).get("start").asString()).isEqualTo("2026-07-01T10:02:00Z");
    assertThat(points.get(59).get("processed").asLong()).isEqualTo(1);
    assertThat(points.get(57).get("start").asString()).isEqualTo("2026-07-01T10:00:00Z");
    assertThat(points.get(57).get("processed").asLong()).isEqualTo(2);
    assertThat(points.get(57).get("failed").asLong()).isEqualTo(1);
    assertThat(email.get("jobtype").asString()).isEqualTo("Email");
    assertThat(email.get("points").get(59).get("processed").asLong()).isZero();
    assertThat(api.get("/api/history?range=90d").json().get("points")).hasSize(90);
  }

  @Test
  void jobTypesHaveTheirCountsAndRunTimesAndSort() throws Exception {
    for (int i = 0; i < 20; i++) {
      run("jid-a-" + String.format("%04d", i), "Fast", Duration.ofMillis(2));
    }
    run("jid-slow-01", "Slow", Duration.ofMillis(1500));
    api.failed("jid-f-0001", "Slow", 5, "boom");
    api.failed("jid-f-0002", "Slow", 0, "boom"); // no retries left... retry 0 discards
    api.failed("jid-f-0003", "Slow", -1, "boom");
    api.server.jobHistory().flush();

    JsonNode byProcessed = api.get("/api/jobtypes?range=1d").json();
    JsonNode byP95 = api.get("/api/jobtypes?range=1d&sort=p95").json();

    assertThat(byProcessed.get("sort").asString()).isEqualTo("processed");
    JsonNode fast = byProcessed.get("jobtypes").get(0);
    assertThat(fast.get("jobtype").asString()).isEqualTo("Fast");
    assertThat(fast.get("processed").asLong()).isEqualTo(20);
    assertThat(fast.get("mean_ms").asDouble()).isEqualTo(2.0);
    assertThat(fast.get("p95_ms").asDouble()).isBetween(2.0, 4.0);
    JsonNode slow = byP95.get("jobtypes").get(0);
    assertThat(slow.get("jobtype").asString()).isEqualTo("Slow");
    assertThat(slow.get("processed").asLong()).isEqualTo(4);
    assertThat(slow.get("failed").asLong()).isEqualTo(3);
    assertThat(slow.get("retried").asLong()).isEqualTo(1);
    assertThat(slow.get("dead").asLong()).isEqualTo(1);
    assertThat(slow.get("p95_ms").asDouble()).isBetween(1024.0, 2048.0);
  }

  @Test
  void anUnknownRangeOrSortIsRefusedWithTheAcceptedValues() {
    Response range = api.get("/api/history?range=2h");
    Response sort = api.get("/api/jobtypes?sort=speed");

    assertThat(range.status()).isEqualTo(400);
    assertThat(range.error()).isEqualTo("range must be one of 1h, 1d, 7d, 90d, not \"2h\"");
    assertThat(sort.status()).isEqualTo(400);
    assertThat(sort.error())
        .isEqualTo(
            "sort must be one of name, processed, failed, retried, dead, mean, p95, not \"speed\"");
  }
}
