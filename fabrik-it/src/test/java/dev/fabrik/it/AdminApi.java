package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The operator's side: the admin JSON API on the web port. */
final class AdminApi {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  AdminApi(int webPort) {
    this.base = "http://127.0.0.1:" + webPort;
  }

  /** {@code GET /api/workers} as JSON. */
  JsonNode workers() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/workers")).GET());
    assertThat(response.statusCode()).as("GET /api/workers: %s", response.body()).isEqualTo(200);
    return JobCodec.MAPPER.readTree(response.body());
  }

  /** {@code GET /api/queues}: name, size, latency and paused flag of every queue. */
  JsonNode queues() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/queues")).GET());
    assertThat(response.statusCode()).as("GET /api/queues: %s", response.body()).isEqualTo(200);
    return JobCodec.MAPPER.readTree(response.body());
  }

  /** The entry for {@code wid} in {@code GET /api/workers}, wherever the API nests the list. */
  Optional<JsonNode> worker(String wid) {
    return find(workers(), wid);
  }

  /**
   * {@code POST /api/workers/{wid}/quiet} (or terminate) with the CSRF token from {@code GET
   * /api/csrf}; any 2xx is success.
   */
  void signal(String wid, String signal) {
    HttpResponse<String> csrf = send(HttpRequest.newBuilder(uri("/api/csrf")).GET());
    assertThat(csrf.statusCode()).as("GET /api/csrf: %s", csrf.body()).isEqualTo(200);
    String token = JobCodec.MAPPER.readTree(csrf.body()).path("token").asString();
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/api/workers/" + wid + "/" + signal))
                .header("X-CSRF-Token", token)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(response.statusCode() / 100)
        .as("POST /api/workers/%s/%s -> %s %s", wid, signal, response.statusCode(), response.body())
        .isEqualTo(2);
  }

  /** {@code GET path} as JSON, asserting a 200. */
  JsonNode get(String path) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JobCodec.MAPPER.readTree(response.body());
  }

  /** {@code POST path} with a JSON body and the CSRF token, asserting a 2xx. */
  JsonNode post(String path, String json) {
    HttpResponse<String> csrf = send(HttpRequest.newBuilder(uri("/api/csrf")).GET());
    String token = JobCodec.MAPPER.readTree(csrf.body()).path("token").asString();
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri(path))
                .header("X-CSRF-Token", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    assertThat(response.statusCode() / 100)
        .as("POST %s -> %s %s", path, response.statusCode(), response.body())
        .isEqualTo(2);
    return JobCodec.MAPPER.readTree(response.body());
  }

  private static Optional<JsonNode> find(JsonNode node, String wid) {
    if (node.isObject() && wid.equals(node.path("wid").asString(null))) {
      return Optional.of(node);
    }
    for (JsonNode child : node) {
      Optional<JsonNode> found = find(child, wid);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
