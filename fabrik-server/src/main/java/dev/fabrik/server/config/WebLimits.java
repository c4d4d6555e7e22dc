package dev.fabrik.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the admin HTTP port tolerates ({@code [web]} in conf.d). No client can hold a connection
 * without sending a request, or hold more than {@code maxConnections} of them:
 *
 * @param allowedHosts names besides localhost, IP addresses and the web binding's host that a
 *     request's {@code Host} may carry (a reverse proxy's public name); {@code "*"} allows any
 * @param headerTimeout a request's line and headers must arrive within this, counted from the
 *     connection's start or the end of its previous response
 * @param bodyTimeout a request body must arrive within this once its headers are in
 * @param idleTimeout a connection with no traffic for this long is closed (keep-alive, stalled
 *     reads and writes)
 * @param maxConnections connections open at once; past it the server stops accepting (new ones wait
 *     in the listen backlog) until one closes
 */
public record WebLimits(
    List<String> allowedHosts,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConnections) {

  public WebLimits {
    allowedHosts = List.copyOf(allowedHosts);
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    Objects.requireNonNull(bodyTimeout, "bodyTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
    }
    for (Duration d : List.of(headerTimeout, bodyTimeout, idleTimeout)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("web timeouts must be positive: " + d);
      }
    }
  }

  /** 10 s for headers, 30 s for a body, 30 s idle, 256 connections, no extra host names. */
  public static WebLimits defaults() {
    return new WebLimits(
        List.of(), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 256);
  }

  public WebLimits withAllowedHosts(List<String> v) {
    return new WebLimits(v, headerTimeout, bodyTimeout, idleTimeout, maxConnections);
  }

  public WebLimits withHeaderTimeout(Duration v) {
    return new WebLimits(allowedHosts, v, bodyTimeout, idleTimeout, maxConnections);
  }

  public WebLimits withBodyTimeout(Duration v) {
    return new WebLimits(allowedHosts, headerTimeout, v, idleTimeout, maxConnections);
  }

  public WebLimits withIdleTimeout(Duration v) {
    return new WebLimits(allowedHosts, headerTimeout, bodyTimeout, v, maxConnections);
  }

  public WebLimits withMaxConnections(int v) {
    return new WebLimits(allowedHosts, headerTimeout, bodyTimeout, idleTimeout, v);
  }
}
