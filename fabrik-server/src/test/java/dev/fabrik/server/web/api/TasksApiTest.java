package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.web.api.ApiServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POST/GET /api/tasks and POST /api/flush over HTTP: the answers and the refusals. */
class TasksApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void startsATaskAndAnswersWhereToPollIt() throws Exception {
    api.failed("jobid-001", "Bill", -1, "declined");
    Response started = api.post("/api/tasks", "{\"set\":\"dead\",\"action\":\"count\"}");
    assertThat(started.status()).isEqualTo(202);
    String id = started.json().get("id").asString();
    assertThat(started.raw().headers().firstValue("Location")).hasValue("/api/tasks/" + id);
    assertThat(started.json().get("action").asString()).isEqualTo("count");
    Response polled = api.get("/api/tasks/" + id);
    assertThat(polled.status()).isEqualTo(200);
    assertThat(polled.json().get("set").asString()).isEqualTo("dead");
    assertThat(api.get("/api/tasks").json().get("tasks").get(0).get("id").asString()).isEqualTo(id);
  }

  @Test
  void refusesBadInputWithoutStartingAnything() {
    Response action = api.post("/api/tasks", "{\"set\":\"dead\",\"action\":\"resurrect\"}");
    assertThat(action.status()).isEqualTo(400);
    assertThat(action.json().get("error").asString())
        .contains("use retry, enqueue, delete, kill or count");
    Response set = api.post("/api/tasks", "{\"set\":\"graveyard\",\"action\":\"retry\"}");
    assertThat(set.status()).isEqualTo(404);
    Response type = api.post("/api/tasks", "{\"set\":\"dead\",\"action\":\"retry\",\"type\":7}");
    assertThat(type.status()).isEqualTo(400);
    assertThat(type.json().get("error").asString()).contains("\"type\" must be a string");
    assertThat(api.post("/api/tasks", "[1]").status()).isEqualTo(400);
    assertThat(api.get("/api/tasks").json().get("tasks")).isEmpty();
    assertThat(api.get("/api/tasks/0123456789abcdef").status()).isEqualTo(404);
    assertThat(api.post("/api/tasks/0123456789abcdef/cancel").status()).isEqualTo(404);
  }

  @Test
  void flushEmptiesTheServer() {
    api.push("jobid-001", "Mail", "default", "");
    Response r = api.post("/api/flush");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("flushed").asBoolean()).isTrue();
    assertThat(api.get("/api/queues").json()).isEmpty();
  }

  @Test
  void headOnTheEventStreamAnswersWithoutSubscribing() {
    Response r =
        api.send(
            api.request("/api/events")
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("Content-Type"))
        .hasValue("text/event-stream; charset=utf-8");
    assertThat(api.get("/api/events/stats").json().get("subscribers").asInt()).isZero();
  }
}
