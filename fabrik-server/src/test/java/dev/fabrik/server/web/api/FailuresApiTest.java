package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.server.web.api.ApiServer.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/failures, the sets API's fingerprint filter and a bulk task over one group. */
class FailuresApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void groupsDeadJobsByFingerprintAndRetriesOneGroupInBulk() throws Exception {
    api.failed("jobid-001", "Bill", -1, "timeout after 30s talking to 10.0.0.7");
    api.failed("jobid-002", "Mail", -1, "timeout after 31s talking to 10.0.0.9");
    api.failed("jobid-003", "Bill", -1, "timeout after 5s talking to 10.0.0.1");
    api.failed("jobid-004", "Bill", -1, "card 'visa' declined");

    Response list = api.get("/api/failures?set=dead");
    assertThat(list.status()).isEqualTo(200);
    JsonNode groups = list.json().get("groups");
    assertThat(groups).hasSize(2);
    assertThat(list.json().get("grouped").asLong()).isEqualTo(4);
    JsonNode timeouts = groups.get(0);
    assertThat(timeouts.get("count").asLong()).isEqualTo(3);
    assertThat(timeouts.get("errtype").asString()).isEqualTo("RuntimeError");
    assertThat(timeouts.get("message").asString())
        .isEqualTo("timeout after <n>s talking to <n>.<n>");
    assertThat(timeouts.get("jobtypes").get("Bill").asLong()).isEqualTo(2);
    assertThat(timeouts.get("jobtypes").get("Mail").asLong()).isEqualTo(1);
    assertThat(timeouts.get("sample").get("jid").asString()).startsWith("jobid-00");
    assertThat(groups.get(1).get("message").asString()).isEqualTo("card '?' declined");
    String fp = timeouts.get("fingerprint").asString();

    assertThat(api.get("/api/failures/dead/" + fp).json().get("count").asLong()).isEqualTo(3);
    assertThat(api.get("/api/failures?set=retries").json().get("groups")).isEmpty();

    Response members = api.get("/api/sets/dead?fingerprint=" + fp);
    assertThat(members.status()).isEqualTo(200);
    List<String> jids = new ArrayList<>();
    members.json().get("entries").forEach(e -> jids.add(e.get("job").get("jid").asString()));
    assertThat(jids).containsExactlyInAnyOrder("jobid-001", "jobid-002", "jobid-003");

    Response task =
        api.post(
            "/api/tasks", "{\"set\":\"dead\",\"action\":\"retry\",\"fingerprint\":\"" + fp + "\"}");
    assertThat(task.status()).isEqualTo(202);
    assertThat(task.json().get("filter").get("fingerprint").asString()).isEqualTo(fp);
    String id = task.json().get("id").asString();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> api.get("/api/tasks/" + id).json().get("state").asString().equals("done"));
    assertThat(api.get("/api/tasks/" + id).json().get("changed").asLong()).isEqualTo(3);

    JsonNode after = api.get("/api/failures?set=dead").json();
    assertThat(after.get("groups")).hasSize(1);
    assertThat(after.get("groups").get(0).get("message").asString()).isEqualTo("card '?' declined");
    assertThat(api.get("/api/failures/dead/" + fp).status()).isEqualTo(404);
  }

  @Test
  void refusesABadSetSortOrFingerprint() {
    assertThat(api.get("/api/failures?set=scheduled").status()).isEqualTo(400);
    assertThat(api.get("/api/failures?sort=size").status()).isEqualTo(400);
    assertThat(api.get("/api/failures/dead/XYZ").status()).isEqualTo(400);
    assertThat(api.get("/api/sets/dead?fingerprint=nothex").status()).isEqualTo(400);
    Response task =
        api.post("/api/tasks", "{\"set\":\"dead\",\"action\":\"retry\",\"fingerprint\":\"x\"}");
    assertThat(task.status()).isEqualTo(400);
    assertThat(api.get("/api/tasks").json().get("tasks")).isEmpty();
  }
}
