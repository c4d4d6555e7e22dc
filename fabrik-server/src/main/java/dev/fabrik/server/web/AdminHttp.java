package dev.fabrik.server.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.metrics.ServerMetrics;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operator's HTTP API (the CLI's admin commands call it; the web UI comes later), on the JDK
 * HTTP server with one virtual thread per exchange:
 *
 * <pre>
 * GET  /health                        {"now":..,"server":{"description":"Fabrik",...}}  (never needs auth)
 * GET  /api/info                      the INFO document
 * GET  /api/workers                   [{"wid":..,"hostname":..,"pid":..,"labels":[..],"state":"running",...}]
 * POST /api/workers/{wid}/quiet       {"signaled":1}; wid "all" signals every worker; unknown wid → 404
 * POST /api/workers/{wid}/terminate
 * GET  /metrics                       Prometheus text format (see {@link MetricsHandler})
 * </pre>
 *
 * With a password set every endpoint but {@code /health} wants HTTP Basic auth (the username is
 * ignored, as in Faktory's UI). POSTs from another site are refused (see {@link Requests}).
 */
public final class AdminHttp implements Service {
  private static final Logger log = LoggerFactory.getLogger(AdminHttp.class);
  private static final String WORKERS = "/api/workers";

  private final ServerConfig config;
  private final InfoReport info;
  private final WorkerRegistry workers;
  private final ServerMetrics metrics;
  private HttpServer server;
  private ExecutorService executor;
  private boolean stopped;

  public AdminHttp(
      ServerConfig config, InfoReport info, WorkerRegistry workers, ServerMetrics metrics) {
    this.config = config;
    this.info = info;
    this.workers = workers;
    this.metrics = metrics;
  }

  /** False when the config disables HTTP ({@code webPort == -1}). */
  public boolean enabled() {
    return config.webPort() >= 0;
  }

  @Override
  public synchronized void start() {
    if (!enabled() || server != null) {
      return;
    }
    try {
      server = HttpServer.create(new InetSocketAddress(config.webBindHost(), config.webPort()), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on "
              + config.webBindHost()
              + ":"
              + config.webPort()
              + ": "
              + e.getMessage(),
          e);
    }
    executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.createContext(MetricsHandler.PATH, new MetricsHandler(config, metrics));
    server.start();
    log.info("admin HTTP on {}:{}", config.webBindHost(), port());
  }

  /** The bound port, or -1 when disabled or not started. */
  public synchronized int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  @Override
  public void stop(Duration timeout) {
    HttpServer s;
    ExecutorService e;
    synchronized (this) {
      if (server == null || stopped) {
        return;
      }
      stopped = true;
      s = server;
      e = executor;
    }
    s.stop(0);
    e.shutdown();
    try {
      e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(new Requests(exchange, config));
    } catch (RuntimeException e) {
      log.error("admin request {} failed", exchange.getRequestURI(), e);
    }
  }

  private void route(Requests r) throws IOException {
    String path = r.path();
    if (path.equals("/health")) {
      if (r.allowMethods("GET")) {
        r.json(200, info.health());
      }
      return;
    }
    if (!r.authorized()) {
      return;
    }
    if (path.equals("/api/info")) {
      if (r.allowMethods("GET")) {
        r.json(200, info.tree());
      }
    } else if (path.equals(WORKERS)) {
      if (r.allowMethods("GET")) {
        r.json(200, workerList());
      }
    } else if (path.startsWith(WORKERS + "/")) {
      signal(r, path.substring(WORKERS.length() + 1));
    } else {
      r.error(404, "no such endpoint: " + path);
    }
  }

  /** {@code <wid>/quiet} or {@code <wid>/terminate}. */
  private void signal(Requests r, String rest) throws IOException {
    int slash = rest.lastIndexOf('/');
    WorkerState state =
        slash <= 0
            ? null
            : switch (rest.substring(slash + 1)) {
              case "quiet" -> WorkerState.QUIET;
              case "terminate" -> WorkerState.TERMINATE;
              default -> null;
            };
    if (state == null) {
      r.error(404, "no such endpoint: " + r.path());
      return;
    }
    if (!r.allowMethods("POST") || !r.sameOrigin()) {
      return;
    }
    String wid = java.net.URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
    int signaled = 0;
    if (wid.equals("all")) {
      for (WorkerInfo w : workers.list()) {
        if (workers.signal(w.wid(), state)) {
          signaled++;
        }
      }
    } else if (workers.signal(wid, state)) {
      signaled = 1;
    } else {
      r.error(404, "unknown worker " + wid);
      return;
    }
    ObjectNode body = JobCodec.MAPPER.createObjectNode();
    body.put("signal", state.wireName());
    body.put("signaled", signaled);
    r.json(200, body);
  }

  private JsonNode workerList() {
    ArrayNode list = JobCodec.MAPPER.createArrayNode();
    for (WorkerInfo w : workers.list()) {
      ObjectNode o = list.addObject();
      o.put("wid", w.wid());
      o.put("hostname", w.hostname());
      o.put("pid", w.pid());
      ArrayNode labels = o.putArray("labels");
      w.labels().forEach(labels::add);
      o.put("started_at", w.startedAt() == null ? null : Timestamps.format(w.startedAt()));
      o.put("last_beat", w.lastBeat() == null ? null : Timestamps.format(w.lastBeat()));
      o.put("rss_kb", w.rssKb());
      o.put("state", w.state().wireName());
      o.put("connections", w.connections());
    }
    return list;
  }
}
