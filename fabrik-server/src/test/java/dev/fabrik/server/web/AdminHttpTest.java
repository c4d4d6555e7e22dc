package dev.fabrik.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The operator's HTTP API: info, workers, quiet/terminate, auth, cross-site refusal. */
class AdminHttpTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private FabrikServer server;

  @AfterEach
  void stop() {
    http.close();
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private void start(String password) {
    server = TestServers.start(TestServers.config().webPort(0).password(password).build());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<String> send(HttpRequest.Builder r)
      throws IOException, InterruptedException {
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST carrying the CSRF token from {@code GET /api/csrf}. */
  private HttpRequest.Builder post(String path) throws IOException, InterruptedException {
    String token =
        JobCodec.MAPPER.readTree(send(request("/api/csrf")).body()).get("token").stringValue();
    return request(path).header("X-CSRF-Token", token).POST(HttpRequest.BodyPublishers.noBody());
  }

  private static String basic(String password) {
    return "Basic "
        + Base64.getEncoder().encodeToString(("any:" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void quietThroughHttpThenBeatReturnsTheState() throws Exception {
    start(null);
    try (RawClient w = RawClient.worker(server.port(), "w-http")) {
      HttpResponse<String> list = send(request("/api/workers"));
      assertThat(list.statusCode()).isEqualTo(200);
      JsonNode workers = JobCodec.MAPPER.readTree(list.body());
      assertThat(workers.get(0).get("wid").stringValue()).isEqualTo("w-http");
      assertThat(workers.get(0).get("state").stringValue()).isEqualTo("running");

      HttpResponse<String> quiet = send(post("/api/workers/w-http/quiet"));
      assertThat(quiet.statusCode()).isEqualTo(200);
      assertThat(w.call("BEAT {\"wid\":\"w-http\"}")).isEqualTo("$17\r\n{\"state\":\"quiet\"}\r\n");

      HttpResponse<String> all = send(post("/api/workers/all/terminate"));
      assertThat(all.statusCode()).isEqualTo(200);
      assertThat(JobCodec.MAPPER.readTree(all.body()).get("signaled").intValue()).isEqualTo(1);
      assertThat(w.call("BEAT {\"wid\":\"w-http\"}"))
          .isEqualTo("$21\r\n{\"state\":\"terminate\"}\r\n");
    }
    HttpResponse<String> unknown = send(post("/api/workers/nobody/quiet"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JobCodec.MAPPER.readTree(unknown.body()).get("error").stringValue())
        .isEqualTo("unknown worker nobody");
  }

  @Test
  void infoMatchesTheProtocolsInfoShape() throws Exception {
    start(null);
    HttpResponse<String> info = send(request("/api/info"));
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(info.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(JobCodec.MAPPER.readTree(info.body()).propertyNames())
        .containsExactly("now", "server_utc_time", "faktory", "server");
    assertThat(send(request("/api/info").POST(HttpRequest.BodyPublishers.noBody())).statusCode())
        .isEqualTo(405);
    assertThat(send(request("/nope")).statusCode()).isEqualTo(404);
  }

  @Test
  void basicAuthWhenAPasswordIsSet() throws Exception {
    start("s3cret");
    HttpResponse<String> anonymous = send(request("/api/info"));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
    assertThat(send(request("/api/info").header("Authorization", basic("wrong"))).statusCode())
        .isEqualTo(401);
    assertThat(send(request("/api/info").header("Authorization", basic("s3cret"))).statusCode())
        .isEqualTo(200);
    HttpResponse<String> health = send(request("/health"));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"faktory_version\":\"1.10.0\"");
  }

  @Test
  void crossSitePostsAreRefused() throws Exception {
    start(null);
    try (RawClient w = RawClient.worker(server.port(), "w-csrf")) {
      assertThat(
              send(post("/api/workers/w-csrf/quiet").header("Sec-Fetch-Site", "cross-site"))
                  .statusCode())
          .isEqualTo(403);
      assertThat(
              send(post("/api/workers/w-csrf/quiet").header("Origin", "http://evil.example"))
                  .statusCode())
          .isEqualTo(403);
      assertThat(w.call("BEAT {\"wid\":\"w-csrf\"}")).isEqualTo("+OK\r\n");
      assertThat(
              send(post("/api/workers/w-csrf/quiet").header("Sec-Fetch-Site", "same-origin"))
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void disabledWhenWebPortIsMinusOne() {
    server = TestServers.start(TestServers.config().build());
    assertThat(server.webPort()).isEqualTo(-1);
  }
}
