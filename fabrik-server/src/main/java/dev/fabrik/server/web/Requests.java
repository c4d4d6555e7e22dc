package dev.fabrik.server.web;

import com.sun.net.httpserver.HttpExchange;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One admin HTTP exchange with the checks every endpoint shares. Each check that fails has already
 * sent its response when it returns false.
 */
final class Requests {
  private final HttpExchange exchange;
  private final ServerConfig config;

  Requests(HttpExchange exchange, ServerConfig config) {
    this.exchange = exchange;
    this.config = config;
  }

  String path() {
    return exchange.getRequestURI().getPath();
  }

  boolean allowMethods(String... methods) throws IOException {
    if (Arrays.asList(methods).contains(exchange.getRequestMethod())) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", String.join(", ", methods));
    error(405, "method not allowed");
    return false;
  }

  /**
   * HTTP Basic auth against the server password; the username is ignored, as in Faktory's UI:
   * {@code curl -u :secret http://127.0.0.1:7420/api/info}.
   */
  boolean authorized() throws IOException {
    if (!config.hasPassword()
        || passwordMatches(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return true;
    }
    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"Fabrik\"");
    error(401, "authentication required");
    return false;
  }

  private boolean passwordMatches(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    String given = colon < 0 ? decoded : decoded.substring(colon + 1);
    return MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), config.password().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Refuses cross-site state changes the way Go's CrossOriginProtection (Faktory 1.9.4+) does: a
   * {@code Sec-Fetch-Site} other than {@code same-origin}/{@code none}, or else an {@code Origin}
   * whose host differs from {@code Host}, is a 403. Requests with neither header (curl, the CLI)
   * pass.
   */
  boolean sameOrigin() throws IOException {
    String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null) {
      if (site.equals("same-origin") || site.equals("none")) {
        return true;
      }
      error(403, "cross-origin request refused");
      return false;
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null || originHost(origin).equalsIgnoreCase(host())) {
      return true;
    }
    error(403, "cross-origin request refused");
    return false;
  }

  private String host() {
    String host = exchange.getRequestHeaders().getFirst("Host");
    return host == null ? "" : host;
  }

  private static String originHost(String origin) {
    try {
      String authority = URI.create(origin).getRawAuthority();
      return authority == null ? "\0" : authority;
    } catch (IllegalArgumentException e) {
      return "\0";
    }
  }

  void json(int status, JsonNode body) throws IOException {
    byte[] bytes = JobCodec.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  void error(int status, String message) throws IOException {
    ObjectNode body = JobCodec.MAPPER.createObjectNode();
    body.put("error", message);
    json(status, body);
  }
}
