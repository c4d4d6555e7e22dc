package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule;
import dev.fabrik.server.web.api.ApiServer.Response;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GET /api/limits, POST /api/limits, POST /api/limits/{id}/remove. */
class LimitsApiTest {
  private final ApiServer api = new ApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aLimitSetThroughTheApiIsListedWithItsUsageAndRemoved() throws Exception {
    Response created =
        api.post(
            "/api/limits",
            "{\"scope\":\"queue\",\"name\":\"scraper\",\"concurrency\":2,\"timeout\":120}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("id").asString()).isEqualTo("queue:scraper");

    api.push("jobid-001", "Scrape", "scraper", "");
    assertThat(api.server.manager().fetch("w1", List.of("scraper"))).isPresent();

    JsonNode l = api.get("/api/limits").json().get("limits").get(0);
    assertThat(l.get("scope").asString()).isEqualTo("queue");
    assertThat(l.get("name").asString()).isEqualTo("scraper");
    assertThat(l.get("concurrency").asInt()).isEqualTo(2);
    assertThat(l.get("timeout").asLong()).isEqualTo(120);
    assertThat(l.get("source").asString()).isEqualTo("api");
    assertThat(l.get("in_flight").asInt()).isEqualTo(1);
    assertThat(l.get("rate_blocked").asBoolean()).isFalse();

    Response removed = api.post("/api/limits/queue:scraper/remove");
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().get("removed").asBoolean()).isTrue();
    assertThat(api.get("/api/limits").json().get("limits")).isEmpty();
    assertThat(api.post("/api/limits/queue:scraper/remove").status()).isEqualTo(404);
  }

  @Test
  void aBadLimitIsRefusedWithTheReason() {
    Response r = api.post("/api/limits", "{\"scope\":\"queue\",\"name\":\"q\",\"rate\":5}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("limit refused: q: a rate needs a positive period");
    assertThat(
            api.post("/api/limits", "{\"scope\":\"bucket\",\"name\":\"q\",\"worker\":1}").error())
        .isEqualTo("limit refused: scope must be \"queue\" or \"jobtype\", not \"bucket\"");
  }

  @Test
  void aConfDLimitCannotBeRemovedThroughTheApi() {
    api.server
        .limits()
        .configure(
            List.of(new LimitRule(LimitRule.Scope.JOBTYPE, "Mail", 1, 0, null, 0, null, null)));

    Response r = api.post("/api/limits/jobtype:Mail/remove");

    assertThat(r.status()).isEqualTo(400);
    assertThat(api.get("/api/limits").json().get("limits").get(0).get("source").asString())
        .isEqualTo("conf.d");
  }
}
