package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.RawClient;
import dev.fabrik.server.web.api.ApiServer.Response;
import dev.fabrik.server.workers.WorkerState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/busy, /api/workers, POST /api/workers/{wid}/quiet|terminate. */
class BusyApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void busyListsProcessesAndRunningJobs() throws Exception {
    try (RawClient w = RawClient.worker(api.server.port(), "w-busy")) {
      api.push("jobid-001", "Slow", "default", "");
      assertThat(w.call("FETCH default")).contains("jobid-001");
      api.clock.advance(Duration.ofSeconds(12));

      JsonNode busy = api.get("/api/busy").json();
      assertThat(busy.get("working").asLong()).isEqualTo(1);
      JsonNode p = busy.get("processes").get(0);
      assertThat(p.get("wid").asString()).isEqualTo("w-busy");
      assertThat(p.get("hostname").asString()).isEqualTo("test");
      assertThat(p.get("pid").asLong()).isEqualTo(7);
      assertThat(p.get("state").asString()).isEqualTo("running");
      assertThat(p.get("connections").asInt()).isEqualTo(1);
      assertThat(p.get("jobs_in_flight").asInt()).isEqualTo(1);
      JsonNode job = busy.get("jobs").get(0);
      assertThat(job.get("jid").asString()).isEqualTo("jobid-001");
      assertThat(job.get("jobtype").asString()).isEqualTo("Slow");
      assertThat(job.get("wid").asString()).isEqualTo("w-busy");
      assertThat(job.get("running_seconds").asDouble()).isEqualTo(12.0);
      assertThat(job.get("started_at").asString()).isEqualTo("2026-06-30T17:00:00.5Z");

      JsonNode workers = api.get("/api/workers").json();
      assertThat(workers).hasSize(1);
      assertThat(workers.get(0).get("wid").asString()).isEqualTo("w-busy");
      assertThat(api.get("/api/busy?limit=abc").status()).isEqualTo(400);
    }
  }

  @Test
  void quietAndTerminateOneOrAll() throws Exception {
    try (RawClient w = RawClient.worker(api.server.port(), "w-sig")) {
      Response quiet = api.post("/api/workers/w-sig/quiet");
      assertThat(quiet.status()).isEqualTo(200);
      assertThat(quiet.body()).isEqualTo("{\"signal\":\"quiet\",\"signaled\":1}");
      assertThat(api.server.workers().stateOf("w-sig")).isEqualTo(WorkerState.QUIET);
      assertThat(api.post("/api/workers/all/terminate").json().get("signaled").asInt())
          .isEqualTo(1);
      assertThat(w.call("BEAT {\"wid\":\"w-sig\"}"))
          .isEqualTo("$21\r\n{\"state\":\"terminate\"}\r\n");
    }
    Response unknown = api.post("/api/workers/ghost/quiet");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown worker ghost");
    assertThat(api.get("/api/workers/ghost/quiet").status()).isEqualTo(405);
  }
}
