package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.web.api.ApiServer.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One job at a time over the JSON API: delete or move to the front one queued job, and find a jid
 * in its queue, in progress and in the sets.
 */
class JobsApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  private List<String> queued(String queue) {
    List<String> out = new ArrayList<>();
    api.get("/api/queues/" + queue + "/jobs")
        .json()
        .get("jobs")
        .forEach(j -> out.add(j.get("jid").asString()));
    return out;
  }

  @Test
  void deletesAndMovesOneQueuedJob() throws Exception {
    for (String jid : List.of("jobid-000", "jobid-001", "jobid-002", "jobid-003")) {
      api.push(jid, "Mail", "default", "");
    }

    Response deleted = api.post("/api/queues/default/jobs/jobid-001/delete");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
    assertThat(deleted.json().get("jid").asString()).isEqualTo("jobid-001");
    Response front = api.post("/api/queues/default/jobs/jobid-003/front");
    assertThat(front.status()).isEqualTo(200);
    assertThat(front.json().get("front").asBoolean()).isTrue();

    assertThat(queued("default")).containsExactly("jobid-003", "jobid-000", "jobid-002");
    String fetched =
        JobCodec.decode(api.server.manager().fetch("w1", List.of("default")).orElseThrow()).jid();
    assertThat(fetched).isEqualTo("jobid-003");
  }

  @Test
  void aJobNotQueuedThereIsA404AndNothingChanges() throws Exception {
    api.push("jobid-000", "Mail", "default", "");
    api.push("jobid-001", "Mail", "default", "");
    api.server.manager().fetch("w1", List.of("default")); // jobid-000 is in progress

    Response taken = api.post("/api/queues/default/jobs/jobid-000/delete");
    assertThat(taken.status()).isEqualTo(404);
    assertThat(taken.error())
        .isEqualTo(
            "job jobid-000 is not queued in default: a worker may have fetched it, or it was deleted");
    assertThat(api.post("/api/queues/default/jobs/jobid-000/front").status()).isEqualTo(404);
    assertThat(api.post("/api/queues/other/jobs/jobid-001/delete").status()).isEqualTo(404);
    assertThat(api.post("/api/queues/default/jobs/nobody-00/front").status()).isEqualTo(404);
    assertThat(queued("default")).containsExactly("jobid-001");
    // A state change needs POST with the CSRF token.
    assertThat(api.get("/api/queues/default/jobs/jobid-001/delete").status()).isEqualTo(405);
    assertThat(
            api.send(
                    api.request("/api/queues/default/jobs/jobid-001/delete")
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()))
                .status())
        .isEqualTo(403);
    assertThat(queued("default")).containsExactly("jobid-001");
  }

  @Test
  void findsAJidQueuedInProgressAndDead() throws Exception {
    api.push("queued-0001", "Mail", "default", "");
    api.push("busy-00001", "Bill", "busy", "");
    api.server.manager().fetch("w-busy", List.of("busy"));
    api.failed("dead-00001", "Crash", -1, "boom 42");

    JsonNode queued = api.get("/api/jobs/queued-0001").json();
    assertThat(queued.get("found")).hasSize(1);
    assertThat(queued.get("found").get(0).get("where").asString()).isEqualTo("queued");
    assertThat(queued.get("found").get(0).get("queue").asString()).isEqualTo("default");
    assertThat(queued.get("found").get(0).get("job").get("jobtype").asString()).isEqualTo("Mail");

    JsonNode busy = api.get("/api/jobs/busy-00001").json().get("found").get(0);
    assertThat(busy.get("where").asString()).isEqualTo("working");
    assertThat(busy.get("wid").asString()).isEqualTo("w-busy");
    assertThat(busy.get("at").isNull()).isFalse();

    JsonNode dead = api.get("/api/jobs/dead-00001").json().get("found").get(0);
    assertThat(dead.get("where").asString()).isEqualTo("dead");
    assertThat(dead.get("set").asString()).isEqualTo("dead");
    assertThat(api.get("/api/sets/dead/" + dead.get("key").asString()).status()).isEqualTo(200);
    assertThat(dead.get("job").get("failure").get("message").asString()).isEqualTo("boom 42");

    Response none = api.get("/api/jobs/nobody-0001");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.error()).startsWith("no job nobody-0001 in any queue");
  }
}
