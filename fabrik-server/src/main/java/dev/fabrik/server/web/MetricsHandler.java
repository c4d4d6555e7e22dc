package dev.fabrik.server.web;

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
final class MetricsHandler implements Handler {
  static final String PATH = "/metrics";

  private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);

  private final ServerMetrics metrics;

  MetricsHandler(ServerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(Requests r) throws IOException {
    ServerMetrics.Scrape scrape;
    try {
      scrape = metrics.scrape(r.header("Accept"));
    } catch (RuntimeException e) {
      // A gauge's source failed (the store is closing, a disk error): say so, do not hang up.
      log.error("metrics scrape failed", e);
      r.error(500, "metrics unavailable: " + e.getMessage());
      return;
    }
    r.send(200, scrape.contentType(), scrape.body());
  }
}
