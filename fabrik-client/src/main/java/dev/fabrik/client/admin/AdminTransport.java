package dev.fabrik.client.admin;

import dev.fabrik.protocol.JobCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * HTTP to the admin API: Basic auth with the server password (any user name), the CSRF token on
 * every POST (fetched once; fetched again if the server restarted and refuses it), and error
 * statuses turned into {@link AdminException}s carrying the server's {@code {"error":"..."}}.
 */
final class AdminTransport {
  private final URI base;
  private final String authorization;
  private final HttpClient http;
  private final Duration timeout;
  private volatile String csrf;

  AdminTransport(URI base, String password, Duration timeout) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.authorization =
        password == null || password.isEmpty()
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((":" + password).getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  URI base() {
    return base;
  }

  HttpClient http() {
    return http;
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  JsonNode get(String pathAndQuery) {
    return parse(send(request(pathAndQuery).GET().build()));
  }

  JsonNode post(String path, JsonNode body) {
    try {
      return parse(send(post(path, body, csrf())));
    } catch (AdminException e) {
      if (e.status() != 403 || !e.getMessage().contains("CSRF")) {
        throw e;
      }
      csrf = null; // the server restarted: its token changed
      return parse(send(post(path, body, csrf())));
    }
  }

  private HttpRequest post(String path, JsonNode body, String token) {
    HttpRequest.Builder b = request(path).header("X-CSRF-Token", token);
    if (body == null) {
      return b.POST(HttpRequest.BodyPublishers.noBody()).build();
    }
    return b.header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(JobCodec.MAPPER.writeValueAsBytes(body)))
        .build();
  }

  private String csrf() {
    String token = csrf;
    if (token == null) {
      token = get("api/csrf").path("token").asString("");
      if (token.isEmpty()) {
        throw new AdminException(0, "the server sent no CSRF token", null);
      }
      csrf = token;
    }
    return token;
  }

  /** A request with auth and the JSON accept header; no timeout when {@code streaming}. */
  HttpRequest.Builder request(String pathAndQuery, boolean streaming) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery));
    if (!streaming) {
      b.timeout(timeout);
    }
    b.header("Accept", streaming ? "text/event-stream" : "application/json");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return request(pathAndQuery, false);
  }

  private HttpResponse<String> send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw unreachable(e);
    } catch (HttpTimeoutException e) {
      throw new AdminException.Unreachable(
          request.method() + " " + request.uri() + " got no answer within " + timeout, e);
    } catch (IOException e) {
      throw new AdminException.Unreachable(
          request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException(0, "interrupted", e);
    }
    check(response.statusCode(), response.body(), request);
    return response;
  }

  AdminException.Unreachable unreachable(Exception e) {
    return new AdminException.Unreachable(
        "cannot reach the Fabrik admin API at "
            + base
            + " (is the server running with its web port? --url / FABRIK_URL point elsewhere)",
        e);
  }

  static void check(int status, String body, HttpRequest request) {
    if (status / 100 == 2) {
      return;
    }
    String message = errorMessage(body);
    switch (status) {
      case 401 ->
          throw new AdminException.Unauthorized(
              401, "the server refused the password (HTTP 401): give the right one");
      case 429 -> throw new AdminException.Unauthorized(429, message + " (HTTP 429)");
      case 404 -> throw new AdminException.NotFound(message);
      case 400 -> throw new AdminException.BadRequest(message);
      default ->
          throw new AdminException(
              status,
              request.method()
                  + " "
                  + request.uri().getPath()
                  + ": HTTP "
                  + status
                  + ": "
                  + message,
              null);
    }
  }

  private static String errorMessage(String body) {
    try {
      JsonNode error = JobCodec.MAPPER.readTree(body).get("error");
      if (error != null && error.isString()) {
        return error.stringValue();
      }
    } catch (JacksonException e) {
      // not our JSON (a proxy's page): shown as it is
    }
    String b = body == null ? "" : body.strip();
    return b.length() > 200 ? b.substring(0, 200) + "..." : b;
  }

  private static JsonNode parse(HttpResponse<String> response) {
    try {
      return JobCodec.MAPPER.readTree(response.body());
    } catch (JacksonException e) {
      throw new AdminException(
          response.statusCode(), "the server's answer is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
