package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/workflows and /api/workflows/{jid}; the held-jobs gauge in /metrics. */
class WorkflowsApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void heldJobsAndAJobsNeighboursWithTheirStates() {
    api.push("root-0001", "Download", "default", ",\"custom\":{\"after\":[]}");
    api.push("mid-00001", "Resize", "default", ",\"custom\":{\"after\":[\"root-0001\"]}");
    api.push("last-0001", "Publish", "default", ",\"custom\":{\"after\":[\"mid-00001\"]}");

    JsonNode list = api.get("/api/workflows?limit=1").json();
    assertThat(list.get("held_count").asLong()).isEqualTo(2);
    assertThat(list.get("held")).hasSize(1);
    assertThat(list.get("held").get(0).get("jid").asString()).isEqualTo("last-0001");
    assertThat(list.get("next").asString()).isEqualTo("last-0001");
    JsonNode page2 = api.get("/api/workflows?limit=1&cursor=last-0001").json();
    assertThat(page2.get("held").get(0).get("jid").asString()).isEqualTo("mid-00001");

    JsonNode mid = api.get("/api/workflows/mid-00001").json();
    assertThat(mid.get("state").asString()).isEqualTo("held");
    assertThat(mid.get("jobtype").asString()).isEqualTo("Resize");
    assertThat(mid.get("waiting").asInt()).isOne();
    assertThat(mid.get("dependencies").toString())
        .isEqualTo("[{\"jid\":\"root-0001\",\"state\":\"active\"}]");
    assertThat(mid.get("dependents").toString())
        .isEqualTo("[{\"jid\":\"last-0001\",\"state\":\"held\"}]");

    assertThat(api.get("/api/workflows/nobody-01").status()).isEqualTo(404);
    assertThat(api.get("/metrics").body()).contains("fabrik_workflow_held_jobs 2.0");
  }

  @Test
  void theUiListsHeldJobsAndShowsAJobsNeighbours() {
    api.push("root-0001", "Download", "default", ",\"custom\":{\"after\":[]}");
    api.push("mid-00001", "Resize", "default", ",\"custom\":{\"after\":[\"root-0001\"]}");

    String list = api.get("/workflows").body();
    assertThat(list).contains("data-jid=\"mid-00001\"").contains("root-0001");
    String job = api.get("/workflows/mid-00001").body();
    assertThat(job).contains("id=\"dependencies\"").contains("root-0001").contains("active");
    assertThat(api.get("/workflows/nobody-01").status()).isEqualTo(404);
  }
}
