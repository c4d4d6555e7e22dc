package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.RawClient;
import dev.fabrik.server.web.api.ApiServer.Response;
import dev.fabrik.server.workers.WorkerState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Basic auth on every route, CSRF and same-origin on every POST, 404s for browsers and scripts. */
class ApiSecurityTest {
  private ApiServer api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  private HttpRequest.Builder anonymous(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.server.webPort() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private HttpRequest.Builder postWithout(String path) {
    return api.request(path).POST(HttpRequest.BodyPublishers.noBody());
  }

  @Test
  void everyRouteButHealthWantsThePassword() throws Exception {
    api = new ApiServer("s3cret");
    api.push("jobid-001", "Mail", "default", "");
    for (String path :
        List.of(
            "/api/csrf",
            "/api/info",
            "/api/overview",
            "/api/stats/history",
            "/api/queues",
            "/api/queues/default/jobs",
            "/api/busy",
            "/api/workers",
            "/api/sets/dead",
            "/api/sets/dead/1_0_1_x",
            "/api/nothing-here")) {
      Response r = api.send(anonymous(path));
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.raw().headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic realm=\"Fabrik\"");
    }
    String token = api.csrf();
    Response post =
        api.send(
            anonymous("/api/queues/default/pause")
                .header("X-CSRF-Token", token)
                .header("Authorization", ApiServer.basic("wrong"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(post.status()).isEqualTo(401);
    assertThat(api.get("/api/queues").json().get(0).get("paused").asBoolean()).isFalse();
    assertThat(api.send(anonymous("/health")).status()).isEqualTo(200);
    assertThat(api.post("/api/queues/default/pause").status()).isEqualTo(200);
  }

  @Test
  void missingOrWrongCsrfTokenIs403AndChangesNothing() throws Exception {
    api = new ApiServer();
    api.push("jobid-001", "Mail", "default", "");
    api.failed("jobid-002", "Mail", -1, "dead");
    String deadKey = api.get("/api/sets/dead").json().get("entries").get(0).get("key").asString();
    try (RawClient w = RawClient.worker(api.server.port(), "w-sec")) {
      for (String path :
          List.of(
              "/api/queues/default/pause",
              "/api/queues/default/remove",
              "/api/workers/w-sec/quiet",
              "/api/workers/all/terminate",
              "/api/sets/dead/actions")) {
        Response missing = api.send(postWithout(path));
        assertThat(missing.status()).as(path).isEqualTo(403);
        assertThat(missing.error()).startsWith("missing CSRF token");
        Response wrong = api.send(postWithout(path).header("X-CSRF-Token", "guess"));
        assertThat(wrong.status()).as(path).isEqualTo(403);
        assertThat(wrong.error()).startsWith("invalid CSRF token");
      }
      Response formWithoutToken =
          api.send(
              api.request("/api/sets/dead/actions")
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("csrf=nope&action=delete")));
      assertThat(formWithoutToken.status()).isEqualTo(403);
      Response crossSite =
          api.send(
              postWithout("/api/queues/default/pause")
                  .header("X-CSRF-Token", api.csrf())
                  .header("Sec-Fetch-Site", "cross-site"));
      assertThat(crossSite.status()).isEqualTo(403);
      assertThat(crossSite.error()).isEqualTo("cross-origin request refused");

      assertThat(api.get("/api/queues").json().get(0).get("size").asLong()).isEqualTo(1);
      assertThat(api.get("/api/queues").json().get(0).get("paused").asBoolean()).isFalse();
      assertThat(api.server.workers().stateOf("w-sec")).isEqualTo(WorkerState.RUNNING);
      assertThat(api.get("/api/sets/dead/" + deadKey).status()).isEqualTo(200);
    }
  }

  @Test
  void theTokenMayComeAsAFormField() {
    api = new ApiServer();
    api.push("jobid-001", "Mail", "default", "");
    Response r =
        api.send(
            api.request("/api/queues/default/pause")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + api.csrf())));
    assertThat(r.status()).isEqualTo(200);
    assertThat(api.get("/api/queues").json().get(0).get("paused").asBoolean()).isTrue();
  }

  @Test
  void unknownRoutesAreJsonForScriptsAndEscapedHtmlForBrowsers() {
    api = new ApiServer();
    Response json = api.get("/api/nope");
    assertThat(json.status()).isEqualTo(404);
    assertThat(json.raw().headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.error()).isEqualTo("no such endpoint: /api/nope");
    Response browserOnApi = api.send(api.request("/api/nope").header("Accept", "text/html"));
    assertThat(browserOnApi.raw().headers().firstValue("Content-Type"))
        .hasValue("application/json");

    Response html =
        api.send(api.request("/%3Cscript%3Ealert(1)%3C/script%3E").header("Accept", "text/html"));
    assertThat(html.status()).isEqualTo(404);
    assertThat(html.raw().headers().firstValue("Content-Type"))
        .hasValue("text/html; charset=utf-8");
    assertThat(html.body()).contains("&lt;script&gt;alert(1)").doesNotContain("<script>");
    assertThat(html.raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(html.raw().headers().firstValue("X-Frame-Options")).hasValue("DENY");
  }
}
