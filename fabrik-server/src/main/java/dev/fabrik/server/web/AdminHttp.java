package dev.fabrik.server.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.metrics.ServerMetrics;
import dev.fabrik.server.web.api.ApiRoutes;
import dev.fabrik.server.web.console.Console;
import dev.fabrik.server.web.console.ConsoleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server (web UI, JSON API, {@code /health}) on the JDK HTTP server with one virtual
 * thread per exchange. It owns the lifecycle and the checks every route shares; the routes
 * themselves live with their packages ({@link ApiRoutes} documents the API) and are registered in
 * the constructor.
 *
 * <p>Every exchange: look the route up (404 / 405 with {@code Allow}); unless the route is open,
 * HTTP Basic auth when the server has a password (401); for a POST, same-origin (403) and a valid
 * CSRF token (403), see {@link Csrf}; then the handler. A handler's {@link HttpError} or {@link
 * ConsoleException} becomes its 4xx; anything else a logged 500.
 */
public final class AdminHttp implements Service {
  private static final Logger log = LoggerFactory.getLogger(AdminHttp.class);

  private final ServerConfig config;
  private final ServerMetrics metrics;
  private final Csrf csrf = Csrf.random();
  private final RouteTable routes = new RouteTable();
  private HttpServer server;
  private ExecutorService executor;
  private boolean stopped;

  public AdminHttp(ServerConfig config, InfoReport info, Console console, ServerMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    routes.getOpen(
        "/health",
        r -> {
          InfoReport.Health health = info.health();
          r.json(health.status(), health.body());
        });
    new ApiRoutes(console, info).register(routes);
    // The web UI (package web.ui) registers its pages here the same way, on the same Console.
  }

  /** The route table, for parts that register routes of their own before {@link #start()}. */
  public RouteTable routes() {
    return routes;
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
    // Its own context: a scrape answers in Prometheus formats, not through the JSON/HTML routes.
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
      Requests r = new Requests(exchange, config, csrf, routes.htmlErrorPage());
      try {
        dispatch(r);
      } catch (HttpError e) {
        answer(r, e.status(), e.getMessage());
      } catch (ConsoleException e) {
        answer(r, e.kind() == ConsoleException.Kind.NOT_FOUND ? 404 : 400, e.getMessage());
      } catch (RuntimeException e) {
        log.error("admin request {} {} failed", r.method(), exchange.getRequestURI(), e);
        answer(r, 500, "internal error: " + e.getClass().getSimpleName());
      }
    } catch (IOException | RuntimeException e) {
      log.debug("admin exchange {} ended early", exchange.getRequestURI(), e);
    }
  }

  private static void answer(Requests r, int status, String message) throws IOException {
    if (!r.responded()) {
      r.error(status, message);
    }
  }

  private void dispatch(Requests r) throws IOException {
    RouteTable.Lookup found = routes.find(r.method(), r.exchange().getRequestURI().getRawPath());
    boolean open = found instanceof RouteTable.Found f && f.route().open();
    if (!open && !r.authorized()) {
      return;
    }
    switch (found) {
      case RouteTable.NotFound n ->
          r.error(404, (r.wantsHtml() ? "no such page: " : "no such endpoint: ") + r.path());
      case RouteTable.WrongMethod w -> {
        r.responseHeader("Allow", String.join(", ", w.allowed()));
        r.error(405, r.method() + " is not allowed here; use " + String.join(" or ", w.allowed()));
      }
      case RouteTable.Found f -> {
        if (f.route().method().equals("POST") && (!r.sameOrigin() || !r.csrfValid())) {
          return;
        }
        r.params(f.params());
        f.route().handler().handle(r);
      }
    }
  }
}
