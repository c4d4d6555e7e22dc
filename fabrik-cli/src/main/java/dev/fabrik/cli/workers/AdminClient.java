package dev.fabrik.cli.workers;

import dev.fabrik.protocol.JobCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.core.JacksonException;

/**
 * Talks to the server's admin JSON API:
 *
 * <pre>
 * GET  /api/workers                      → JSON list of workers
 * GET  /api/csrf                         → {"token":"..."}
 * POST /api/workers/{wid|all}/quiet      → 2xx  (header X-CSRF-Token: token)
 * POST /api/workers/{wid|all}/terminate  → 2xx
 * </pre>
 *
 * With a password, every request carries HTTP Basic auth (any user name; the password counts).
 * Every POST carries the server's CSRF token, fetched first (it changes when the server restarts).
 */
final class AdminClient {
  /** Thrown with a message fit for the terminal. */
  static final class AdminException extends RuntimeException {
    AdminException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI base;
  private final String authorization;
  private final HttpClient http;

  AdminClient(URI base, String password) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.authorization =
        password == null || password.isEmpty()
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** The body of {@code GET /api/workers}. */
  String listWorkers() {
    return send(request("api/workers").GET().build());
  }

  /** {@code POST /api/workers/{wid}/{action}}; wid {@code all} means every worker. */
  String signal(String wid, String action) {
    String path =
        "api/workers/" + java.net.URLEncoder.encode(wid, StandardCharsets.UTF_8) + "/" + action;
    return send(
        request(path)
            .header("X-CSRF-Token", csrfToken())
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  /** The token from {@code GET /api/csrf}: {@code {"token":"..."}}. */
  private String csrfToken() {
    String body = send(request("api/csrf").GET().build());
    try {
      String token = JobCodec.MAPPER.readTree(body).path("token").asString("");
      if (!token.isEmpty()) {
        return token;
      }
    } catch (JacksonException e) {
      // fall through: reported below
    }
    throw new AdminException("the server sent no CSRF token: " + body.strip(), null);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    b.header("Accept", "application/json");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private String send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new AdminException(
          "cannot reach the Fabrik admin API at "
              + base
              + " (is `fabrik server` running with its web listener? use --url to point elsewhere)",
          e);
    } catch (IOException e) {
      throw new AdminException("request to " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted", e);
    }
    int status = response.statusCode();
    if (status == 401) {
      throw new AdminException(
          "the server refused the password (HTTP 401); set --password or FAKTORY_PASSWORD", null);
    }
    if (status == 403) {
      // Cross-site or CSRF refusal: the server's message says which.
      throw new AdminException(
          "the server refused the request (HTTP 403): " + response.body().strip(), null);
    }
    if (status == 404 && request.uri().getPath().contains("/api/workers/")) {
      throw new AdminException("no such worker (HTTP 404): " + response.body().strip(), null);
    }
    if (status / 100 != 2) {
      throw new AdminException(
          request.method()
              + " "
              + request.uri()
              + " answered HTTP "
              + status
              + ": "
              + response.body().strip(),
          null);
    }
    return response.body();
  }
}
