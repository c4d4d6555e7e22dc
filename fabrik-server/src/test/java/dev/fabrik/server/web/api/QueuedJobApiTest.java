package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.web.api.ApiServer.Response;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/queues/{name}/jobs/{position}?jid=: one queued job, and the queue page's latency. */
class QueuedJobApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aQueuedJobByPositionAndJid() {
    api.push("jobid-000", "Mail", "default", "");
    api.push("jobid-001", "Bill", "default", ",\"custom\":{\"tenant\":7},\"reserve_for\":60");

    Response r = api.get("/api/queues/default/jobs/1?jid=jobid-001");

    assertThat(r.status()).isEqualTo(200);
    JsonNode d = r.json();
    assertThat(d.get("queue").asString()).isEqualTo("default");
    assertThat(d.get("position").asLong()).isEqualTo(1);
    assertThat(d.get("size").asLong()).isEqualTo(2);
    JsonNode job = d.get("job");
    assertThat(job.get("jid").asString()).isEqualTo("jobid-001");
    assertThat(job.get("jobtype").asString()).isEqualTo("Bill");
    assertThat(job.get("custom").toString()).isEqualTo("{\"tenant\":7}");
    assertThat(job.get("reserve_for").asInt()).isEqualTo(60);
    assertThat(job.get("failure").isNull()).isTrue();
    assertThat(job.get("payload").asString()).contains("\"jid\":\"jobid-001\"");
  }

  @Test
  void aJobThatMovedUpIsFoundAndAFetchedOneIsA404() throws Exception {
    for (int i = 0; i < 4; i++) {
      api.push("jobid-00" + i, "Mail", "default", "");
    }
    api.server.manager().fetch("w1", List.of("default"));

    assertThat(api.get("/api/queues/default/jobs/3?jid=jobid-003").json().get("position").asLong())
        .isEqualTo(2);
    Response fetched = api.get("/api/queues/default/jobs/0?jid=jobid-000");
    assertThat(fetched.status()).isEqualTo(404);
    assertThat(fetched.error())
        .isEqualTo(
            "job jobid-000 is no longer at position 0 of queue default: it may have been fetched");
  }

  @Test
  void badInput() {
    api.push("jobid-000", "Mail", "default", "");
    Response unknown = api.get("/api/queues/nope/jobs/0?jid=jobid-000");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown queue nope");
    Response position = api.get("/api/queues/default/jobs/first?jid=jobid-000");
    assertThat(position.status()).isEqualTo(400);
    assertThat(position.error()).startsWith("bad position \"first\"");
    assertThat(api.get("/api/queues/default/jobs/-1?jid=jobid-000").status()).isEqualTo(400);
    Response noJid = api.get("/api/queues/default/jobs/0");
    assertThat(noJid.status()).isEqualTo(400);
    assertThat(noJid.error()).startsWith("jid is required");
    assertThat(api.get("/api/queues/default/jobs/0?jid=someone-else").status()).isEqualTo(404);
    // Not a state change: POST is a 405, not a way around the CSRF check.
    assertThat(api.post("/api/queues/default/jobs/0").status()).isEqualTo(405);
  }

  @Test
  void aQueuePageSaysHowLongItsHeadHasWaited() {
    api.push("jobid-000", "Mail", "default", "");
    api.clock.advance(Duration.ofMillis(2500));
    JsonNode page = api.get("/api/queues/default/jobs?cursor=0").json();
    assertThat(page.get("latency_seconds").asDouble()).isEqualTo(2.5);
  }

  @Test
  void pauseWithoutTheCsrfTokenIsA403AndChangesNothing() {
    api.push("jobid-000", "Mail", "default", "");
    Response refused =
        api.send(
            api.request("/api/queues/default/pause").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.error()).startsWith("missing CSRF token");
    assertThat(api.get("/api/queues").json().get(0).get("paused").asBoolean()).isFalse();
  }
}
