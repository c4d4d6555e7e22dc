package dev.fabrik.server.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.fabrik.server.auth.LoginThrottle;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.metrics.ServerMetrics;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} for Prometheus, behind the same Basic auth as the rest of the admin port:
 *
 * <pre>
 * $ curl -u :secret http://127.0.0.1:7420/metrics
 * # HELP fabrik_queue_jobs Jobs waiting in each queue
 * # TYPE fabrik_queue_jobs gauge
 * fabrik_queue_jobs{queue="default"} 3.0
 * </pre>
 *
 * The format follows the scraper's Accept header (text 0.0.4 by default, OpenMetrics on request).
 */
final class MetricsHandler implements HttpHandler {
  static final String PATH = "/metrics";

  private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);

  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final LoginThrottle logins;

  MetricsHandler(ServerConfig config, ServerMetrics metrics, LoginThrottle logins) {
    this.config = config;
    this.metrics = metrics;
    this.logins = logins;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Requests r = new Requests(exchange, config, logins);
      if (!r.authorized()) {
        return;
      }
      // The JDK server hands us every path that starts with /metrics.
      if (!r.path().equals(PATH)) {
        r.error(404, "no such endpoint: " + r.path());
        return;
      }
      if (!r.allowMethods("GET", "HEAD")) {
        return;
      }
      ServerMetrics.Scrape scrape;
      try {
        scrape = metrics.scrape(exchange.getRequestHeaders().getFirst("Accept"));
      } catch (RuntimeException e) {
        // A gauge's source failed (the store is closing, a disk error): say so, do not hang up.
        log.error("metrics scrape failed", e);
        r.error(500, "metrics unavailable: " + e.getMessage());
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", scrape.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Length", Integer.toString(scrape.body().length));
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, scrape.body().length);
      exchange.getResponseBody().write(scrape.body());
    } catch (RuntimeException e) {
      log.error("metrics request {} failed", exchange.getRequestURI(), e);
    }
  }
}
