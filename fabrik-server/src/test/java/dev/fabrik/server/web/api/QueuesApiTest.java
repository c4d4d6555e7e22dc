package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.web.api.ApiServer.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/overview, /api/stats/history, /api/queues..., POST pause/resume/remove. */
class QueuesApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void overviewCountsQueuesAndSets() throws Exception {
    api.push("jobid-001", "Mail", "default", "");
    api.push("jobid-002", "Mail", "default", "");
    api.push("jobid-003", "Later", "default", ",\"at\":\"2030-01-01T00:00:00Z\"");
    api.failed("jobid-004", "Bill", 5, "declined");
    api.clock.advance(Duration.ofSeconds(2));

    Response r = api.get("/api/overview");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode o = r.json();
    assertThat(o.get("processed").asLong()).isEqualTo(1);
    assertThat(o.get("failed").asLong()).isEqualTo(1);
    assertThat(o.get("enqueued").asLong()).isEqualTo(2);
    assertThat(o.get("sets").get("retries").asLong()).isEqualTo(1);
    assertThat(o.get("sets").get("scheduled").asLong()).isEqualTo(1);
    assertThat(o.get("sets").get("dead").asLong()).isZero();
    assertThat(o.get("sets").get("working").asLong()).isZero();
    assertThat(o.get("uptime_seconds").asLong()).isEqualTo(2);
    assertThat(o.get("faktory_version").asString()).isEqualTo("1.10.0");
    assertThat(o.get("storage_bytes").asLong()).isZero();
    assertThat(o.get("connections").asInt()).isZero();
    JsonNode q = o.get("queues").get(0);
    assertThat(q.get("name").asString()).isEqualTo("default");
    assertThat(q.get("size").asLong()).isEqualTo(2);
    assertThat(q.get("latency_seconds").asDouble()).isEqualTo(2.0);
    assertThat(q.get("paused").asBoolean()).isFalse();
  }

  @Test
  void statsHistoryInfoAndCsrf() {
    JsonNode h = api.get("/api/stats/history").json();
    assertThat(h.get("period_seconds").asDouble()).isEqualTo(1.0);
    assertThat(h.get("points").isArray()).isTrue();
    assertThat(api.get("/api/info").json().propertyNames())
        .containsExactly("now", "server_utc_time", "faktory", "server");
    String token = api.csrf();
    assertThat(token).hasSize(43);
    assertThat(api.csrf()).isEqualTo(token); // one per server run
  }

  @Test
  void pagesAQueueWithCursorAndLimit() {
    for (int i = 0; i < 7; i++) {
      api.push("jobid-00" + i, "Mail", "default", "");
    }
    List<String> jids = new ArrayList<>();
    String cursor = "0";
    int pages = 0;
    while (cursor != null && pages++ < 10) {
      Response r = api.get("/api/queues/default/jobs?limit=3&cursor=" + cursor);
      assertThat(r.status()).isEqualTo(200);
      JsonNode page = r.json();
      assertThat(page.get("size").asLong()).isEqualTo(7);
      assertThat(page.get("cursor").asString()).isEqualTo(cursor);
      page.get("jobs").forEach(j -> jids.add(j.get("jid").asString()));
      cursor = page.get("next").isNull() ? null : page.get("next").asString();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(jids).hasSize(7).startsWith("jobid-000").endsWith("jobid-006");
    JsonNode job = api.get("/api/queues/default/jobs?limit=1").json().get("jobs").get(0);
    assertThat(job.get("jobtype").asString()).isEqualTo("Mail");
    assertThat(job.get("args").toString()).isEqualTo("[\"a-jobid-000\"]");
    assertThat(job.get("enqueued_at").asString()).isEqualTo("2026-06-30T17:00:00.5Z");
    // limits are clamped rather than refused
    assertThat(api.get("/api/queues/default/jobs?limit=0").json().get("jobs")).hasSize(1);
    assertThat(api.get("/api/queues/default/jobs?limit=99999").json().get("jobs")).hasSize(7);
  }

  @Test
  void badCursorLimitAndUnknownQueue() {
    api.push("jobid-001", "Mail", "default", "");
    Response bad = api.get("/api/queues/default/jobs?cursor=abc");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).contains("bad page cursor \"abc\"");
    assertThat(api.get("/api/queues/default/jobs?cursor=-5").status()).isEqualTo(400);
    assertThat(api.get("/api/queues/default/jobs?limit=ten").error())
        .isEqualTo("limit must be an integer, not \"ten\"");
    Response unknown = api.get("/api/queues/nope/jobs");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown queue nope");
    assertThat(api.post("/api/queues/nope/pause").status()).isEqualTo(404);
  }

  @Test
  void pauseResumeAndRemove() {
    api.push("jobid-001", "Mail", "default", "");
    api.push("jobid-002", "Mail", "low-priority", "");
    Response paused = api.post("/api/queues/default/pause");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.body()).isEqualTo("{\"queue\":\"default\",\"paused\":true}");
    assertThat(api.get("/api/queues").json().get(0).get("paused").asBoolean()).isTrue();
    assertThat(api.post("/api/queues/default/resume").json().get("paused").asBoolean()).isFalse();
    assertThat(api.get("/api/queues").json().get(0).get("paused").asBoolean()).isFalse();
    // names are percent-decoded path segments
    assertThat(api.post("/api/queues/low%2Dpriority/remove").status()).isEqualTo(200);
    assertThat(api.get("/api/queues").json()).hasSize(1);
  }

  @Test
  void getOnAPostEndpointIs405WithAllow() {
    api.push("jobid-001", "Mail", "default", "");
    Response r = api.get("/api/queues/default/pause");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.raw().headers().firstValue("Allow")).hasValue("POST");
    assertThat(r.error()).isEqualTo("GET is not allowed here; use POST");
    assertThat(api.post("/api/overview").status()).isEqualTo(405);
    assertThat(api.get("/api/queues").json().get(0).get("paused").asBoolean()).isFalse();
  }
}
