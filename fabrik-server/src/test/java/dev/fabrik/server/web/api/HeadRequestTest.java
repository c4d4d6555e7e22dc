package dev.fabrik.server.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.web.api.ApiServer.Response;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * HEAD on every GET route (uptime monitors, {@code curl -I}): the status and headers GET would
 * give, {@code Content-Length} included, and no body.
 */
class HeadRequestTest {

  private static Response head(ApiServer api, String path, String accept) {
    HttpRequest.Builder b = api.request(path).method("HEAD", HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      b.header("Accept", accept);
    }
    return api.send(b);
  }

  private static void assertSameAsGet(ApiServer api, String path, String accept) {
    HttpRequest.Builder get = api.request(path);
    if (accept != null) {
      get.header("Accept", accept);
    }
    Response full = api.send(get);
    Response head = head(api, path, accept);
    assertThat(head.status()).as(path).isEqualTo(full.status());
    assertThat(head.body()).as(path).isEmpty();
    for (String name :
        new String[] {"Content-Type", "Cache-Control", "Content-Security-Policy", "ETag"}) {
      assertThat(head.raw().headers().firstValue(name))
          .as(path + " " + name)
          .isEqualTo(full.raw().headers().firstValue(name));
    }
    assertThat(head.raw().headers().firstValueAsLong("Content-Length"))
        .as(path + " Content-Length")
        .hasValue(full.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  @Test
  void headAnswersLikeGetWithoutABody() {
    try (ApiServer api = new ApiServer()) {
      api.push("jobid-000", "Mail", "default", "");
      assertSameAsGet(api, "/health", null);
      assertSameAsGet(api, "/api/overview", null);
      assertSameAsGet(api, "/api/queues/default/jobs/0?jid=jobid-000", null);
      assertSameAsGet(api, "/queues/default/jobs/0?jid=jobid-000", "text/html");
      assertSameAsGet(api, "/queues", "text/html");
      assertSameAsGet(api, "/static/app.js", null);
      // errors too: a 404 page, a 400
      assertSameAsGet(api, "/api/queues/nope/jobs", null);
      assertSameAsGet(api, "/queues/default/jobs/x?jid=jobid-000", "text/html");

      Response metrics = head(api, "/metrics", null);
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.body()).isEmpty();
      assertThat(metrics.raw().headers().firstValueAsLong("Content-Length")).isPresent();
    }
  }

  @Test
  void headOnAPostRouteIs405AndAllowNamesHeadBesideGet() {
    try (ApiServer api = new ApiServer()) {
      api.push("jobid-000", "Mail", "default", "");
      Response post = head(api, "/api/queues/default/pause", null);
      assertThat(post.status()).isEqualTo(405);
      assertThat(post.raw().headers().firstValue("Allow")).hasValue("POST");
      assertThat(post.body()).isEmpty();

      Response put =
          api.send(api.request("/api/overview").PUT(HttpRequest.BodyPublishers.noBody()));
      assertThat(put.status()).isEqualTo(405);
      assertThat(put.raw().headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
  }

  @Test
  void headWantsTheSamePasswordAsGet() {
    try (ApiServer api = new ApiServer("s3cret")) {
      Response anonymous =
          api.send(
              HttpRequest.newBuilder(
                      java.net.URI.create(
                          "http://127.0.0.1:" + api.server.webPort() + "/api/overview"))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()));
      assertThat(anonymous.status()).isEqualTo(401);
      assertThat(anonymous.raw().headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(head(api, "/api/overview", null).status()).isEqualTo(200);
      assertThat(head(api, "/health", null).status()).isEqualTo(200);
    }
  }
}
