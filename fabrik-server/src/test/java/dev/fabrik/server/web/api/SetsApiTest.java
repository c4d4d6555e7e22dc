package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.web.api.ApiServer.Response;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/sets/{set}, /api/sets/{set}/{key}, POST /api/sets/{set}/actions. */
class SetsApiTest {
  private final ApiServer api = new ApiServer();

  @BeforeEach
  void fourRetriesOneDead() throws Exception {
    api.failed("jobid-r1", "Mail", 5, "SMTP timeout");
    api.failed("jobid-r2", "Bill", 5, "card declined");
    api.failed("jobid-r3", "Mail", 5, "bounce");
    api.failed("jobid-r4", "Mail", 5, "smtp TIMEOUT again");
    api.failed("jobid-d1", "Mail", -1, "gave up");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static List<String> jids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("entries").forEach(e -> out.add(e.get("job").get("jid").asString()));
    return out;
  }

  private String firstKey(String set) {
    return api.get("/api/sets/" + set + "?limit=1")
        .json()
        .get("entries")
        .get(0)
        .get("key")
        .asString();
  }

  private long size(SetName set) {
    return api.get("/api/overview").json().get("sets").get(set.wireName()).asLong();
  }

  @Test
  void pagesWithOpaqueCursors() {
    List<String> seen = new ArrayList<>();
    String cursor = "";
    int pages = 0;
    while (cursor != null && pages++ < 10) {
      JsonNode page = api.get("/api/sets/retries?limit=3&cursor=" + cursor).json();
      assertThat(page.get("set").asString()).isEqualTo("retries");
      assertThat(page.get("size").asLong()).isEqualTo(4);
      seen.addAll(jids(page));
      cursor = page.get("next").isNull() ? null : page.get("next").asString();
    }
    assertThat(seen)
        .hasSize(4)
        .containsExactlyInAnyOrder("jobid-r1", "jobid-r2", "jobid-r3", "jobid-r4");
    JsonNode entry = api.get("/api/sets/dead").json().get("entries").get(0);
    assertThat(entry.get("key").asString()).contains("jobid-d1");
    assertThat(entry.get("job").get("error_message").asString()).isEqualTo("gave up");
    assertThat(entry.get("job").get("error_type").asString()).isEqualTo("RuntimeError");
    assertThat(entry.get("job").get("retry_count").asInt()).isZero();
  }

  @Test
  void filtersAndOrder() {
    assertThat(jids(api.get("/api/sets/retries?type=Bill").json())).containsExactly("jobid-r2");
    assertThat(jids(api.get("/api/sets/retries?q=timeout").json()))
        .containsExactlyInAnyOrder("jobid-r1", "jobid-r4");
    List<String> asc = jids(api.get("/api/sets/retries?order=asc").json());
    List<String> desc = jids(api.get("/api/sets/retries?order=desc").json());
    assertThat(desc).isEqualTo(asc.reversed());
    JsonNode filter = api.get("/api/sets/retries?type=Mail&q=smtp&order=desc").json().get("filter");
    assertThat(filter.toString())
        .isEqualTo("{\"type\":\"Mail\",\"q\":\"smtp\",\"order\":\"desc\"}");
  }

  @Test
  void badInputIsAClear4xx() {
    Response cursor = api.get("/api/sets/retries?cursor=bogus");
    assertThat(cursor.status()).isEqualTo(400);
    assertThat(cursor.error()).startsWith("bad page cursor \"bogus\"");
    assertThat(api.get("/api/sets/retries?order=sideways").error())
        .isEqualTo("order must be asc or desc, not \"sideways\"");
    Response set = api.get("/api/sets/working");
    assertThat(set.status()).isEqualTo(404);
    assertThat(set.error()).contains("use retries, scheduled or dead");
    assertThat(api.get("/api/sets/retries?q=" + "x".repeat(1001)).status()).isEqualTo(400);
  }

  @Test
  void entryDetailByKey() {
    String key = firstKey("dead");
    Response r = api.get("/api/sets/dead/" + key);
    assertThat(r.status()).isEqualTo(200);
    JsonNode d = r.json();
    assertThat(d.get("key").asString()).isEqualTo(key);
    JsonNode job = d.get("job");
    assertThat(job.get("jid").asString()).isEqualTo("jobid-d1");
    assertThat(job.get("args").toString()).isEqualTo("[\"a-jobid-d1\"]");
    assertThat(job.get("failure").get("message").asString()).isEqualTo("gave up");
    assertThat(job.get("failure").get("backtrace").toString()).isEqualTo("[\"x.rb:1\",\"y.rb:2\"]");
    assertThat(job.get("payload").asString()).contains("\"jid\":\"jobid-d1\"");

    Response unknown = api.get("/api/sets/retries/" + key); // a dead key is unknown in retries
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).startsWith("no entry ");
    assertThat(api.get("/api/sets/dead/not-a-key").status()).isEqualTo(400);
  }

  @Test
  void actOnSelectedKeys() {
    String key = firstKey("retries");
    Response retried =
        api.post("/api/sets/retries/actions", "{\"action\":\"retry\",\"keys\":[\"" + key + "\"]}");
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.body()).isEqualTo("{\"action\":\"retry\",\"changed\":1}");
    assertThat(size(SetName.RETRIES)).isEqualTo(3);
    assertThat(api.get("/api/queues/failing/jobs").json().get("jobs")).hasSize(1);

    String next = firstKey("retries");
    assertThat(
            api.post(
                    "/api/sets/retries/actions",
                    "{\"action\":\"kill\",\"keys\":[\"" + next + "\"]}")
                .json()
                .get("changed")
                .asInt())
        .isEqualTo(1);
    assertThat(size(SetName.DEAD)).isEqualTo(2);
    // the same key again: gone, so nothing changes
    assertThat(
            api.post(
                    "/api/sets/retries/actions",
                    "{\"action\":\"delete\",\"keys\":[\"" + next + "\"]}")
                .json()
                .get("changed")
                .asInt())
        .isZero();
  }

  @Test
  void actOnAllMatching() {
    Response r =
        api.post(
            "/api/sets/retries/actions",
            "{\"action\":\"delete\",\"all\":true,\"type\":\"Mail\",\"q\":\"timeout\"}");
    assertThat(r.json().get("changed").asInt()).isEqualTo(2);
    assertThat(size(SetName.RETRIES)).isEqualTo(2);
    assertThat(
            api.post("/api/sets/dead/actions", "{\"action\":\"retry\",\"all\":true}")
                .json()
                .get("changed")
                .asInt())
        .isEqualTo(1);
    assertThat(size(SetName.DEAD)).isZero();
  }

  @Test
  void badActionBodiesChangeNothing() {
    String key = firstKey("retries");
    record Case(String body, int status, String error) {}
    List<Case> cases =
        List.of(
            new Case("{\"action\":", 400, "request body is not valid JSON"),
            new Case("[1,2]", 400, "request body must be a JSON object"),
            new Case("{\"action\":\"explode\",\"keys\":[]}", 400, "unknown action \"explode\""),
            new Case("{\"keys\":[\"" + key + "\"]}", 400, "unknown action \"null\""),
            new Case("{\"action\":\"delete\"}", 400, "give either"),
            new Case("{\"action\":\"delete\",\"all\":true,\"keys\":[]}", 400, "give either"),
            new Case("{\"action\":\"delete\",\"keys\":\"" + key + "\"}", 400, "must be an array"),
            new Case("{\"action\":\"delete\",\"keys\":[1]}", 400, "must be an array"),
            new Case("{\"action\":\"delete\",\"keys\":[\"junk\"]}", 400, "malformed entry key"),
            new Case("{\"action\":\"delete\",\"all\":true,\"type\":5}", 400, "must be a string"));
    for (Case c : cases) {
      Response r = api.post("/api/sets/retries/actions", c.body());
      assertThat(r.status()).as(c.body()).isEqualTo(c.status());
      assertThat(r.error()).as(c.body()).contains(c.error());
    }
    assertThat(size(SetName.RETRIES)).isEqualTo(4);
    assertThat(api.post("/api/sets/nope/actions", "{\"action\":\"delete\",\"all\":true}").status())
        .isEqualTo(404);
  }

  @Test
  void oversizedBodiesAre413() {
    String huge = "{\"action\":\"delete\",\"keys\":[\"" + "x".repeat(1 << 20) + "\"]}";
    Response r =
        api.send(
            api.request("/api/sets/retries/actions")
                .header("X-CSRF-Token", api.csrf())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error()).isEqualTo("request body is larger than 1048576 bytes");
    // chunked, so no Content-Length announces the size
    Response chunked =
        api.send(
            api.request("/api/sets/retries/actions")
                .header("X-CSRF-Token", api.csrf())
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () ->
                            new java.io.ByteArrayInputStream(
                                huge.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(size(SetName.RETRIES)).isEqualTo(4);
  }

  @Test
  void getOnActionsIs405() {
    Response r = api.get("/api/sets/retries/actions");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.raw().headers().firstValue("Allow")).hasValue("POST");
  }
}
