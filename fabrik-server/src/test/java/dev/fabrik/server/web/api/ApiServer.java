package dev.fabrik.server.web.api;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.manager.FailureReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A real server (memory store, manual clock, web port 0) and an HTTP client for API tests: {@link
 * #get} and {@link #post} send Basic auth when a password is set, and {@code post} carries the CSRF
 * token from {@code GET /api/csrf}.
 */
final class ApiServer implements AutoCloseable {
  /** A response with its body parsed when it is JSON. */
  record Response(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      return JobCodec.MAPPER.readTree(body);
    }

    String error() {
      return json().path("error").asString();
    }
  }

  final ManualClock clock = new ManualClock();
  final FabrikServer server;
  private final String password;
  private final HttpClient http = HttpClient.newHttpClient();

  ApiServer(String password) {
    this.password = password;
    this.server =
        TestServers.start(TestServers.config().webPort(0).password(password).build(), clock);
  }

  ApiServer() {
    this(null);
  }

  @Override
  public void close() {
    http.close();
    server.stop(Duration.ofSeconds(5));
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + path))
            .timeout(Duration.ofSeconds(10));
    if (password != null) {
      b.header("Authorization", basic(password));
    }
    return b;
  }

  static String basic(String password) {
    return "Basic "
        + Base64.getEncoder().encodeToString((":" + password).getBytes(StandardCharsets.UTF_8));
  }

  Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Response get(String path) {
    return send(request(path));
  }

  String csrf() {
    return get("/api/csrf").json().get("token").asString();
  }

  /** A POST with the CSRF header and a JSON body (empty when {@code json} is null). */
  Response post(String path, String json) {
    HttpRequest.Builder b = request(path).header("X-CSRF-Token", csrf());
    if (json == null) {
      return send(b.POST(HttpRequest.BodyPublishers.noBody()));
    }
    return send(
        b.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response post(String path) {
    return post(path, null);
  }

  // ---------------------------------------------------------------- putting jobs in place

  void push(String jid, String jobtype, String queue, String extra) {
    server
        .manager()
        .push(
            JobCodec.decode(
                "{\"jid\":\""
                    + jid
                    + "\",\"jobtype\":\""
                    + jobtype
                    + "\",\"args\":[\"a-"
                    + jid
                    + "\"],\"queue\":\""
                    + queue
                    + "\""
                    + extra
                    + "}"));
  }

  /** Pushes, fetches and fails a job: with retry 5 it lands in retries, with -1 in dead. */
  void failed(String jid, String jobtype, int retry, String message) throws InterruptedException {
    push(jid, jobtype, "failing", ",\"retry\":" + retry);
    String fetched =
        JobCodec.decode(server.manager().fetch("w-test", List.of("failing")).orElseThrow()).jid();
    server
        .manager()
        .fail(new FailureReport(fetched, "RuntimeError", message, List.of("x.rb:1", "y.rb:2")));
  }
}
