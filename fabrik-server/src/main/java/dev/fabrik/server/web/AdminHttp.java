package dev.fabrik.server.web;

import dev.fabrik.server.auth.LoginThrottle;
import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.config.WebLimits;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.metrics.ServerMetrics;
import dev.fabrik.server.web.api.ApiRoutes;
import dev.fabrik.server.web.console.Console;
import dev.fabrik.server.web.console.ConsoleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server (web UI, JSON API, {@code /metrics}, {@code /health}) on Jetty core, with
 * one virtual thread per exchange. It owns the lifecycle and the checks every route shares; the
 * routes themselves live with their packages ({@link ApiRoutes} documents the API) and are
 * registered in the constructor.
 *
 * <p>Every exchange: look the route up; unless the route is open ({@code /health}), a {@code Host}
 * the server does not answer to is a 421 ({@link HostAllowlist}, against DNS rebinding); then 404 /
 * 405 with {@code Allow}; unless open, HTTP Basic auth when the server has a password (401, slowed
 * per source by the {@link LoginThrottle}); for a POST, same-origin (403) and a valid CSRF token
 * (403), see {@link Csrf}; then the handler. A handler's {@link HttpError} or {@link
 * ConsoleException} becomes its 4xx; anything else a logged 500.
 *
 * <p>Why Jetty and not the JDK's {@code com.sun.net.httpserver}: the JDK server can time out a
 * half-sent request and cap its connections only through JVM-wide system properties read once, when
 * the first server of the process is created ({@code sun.net.httpserver.maxReqTime}, {@code
 * jdk.httpserver.maxConnections}); an application embedding Fabrik, or a test JVM running many
 * servers, could not set them per server, and setting them would change every other JDK server in
 * the process. Here each server has its own {@link WebLimits}: Jetty parses requests without a
 * thread, {@link RequestDeadlines} closes connections whose request head or body is late, and a
 * {@link NetworkConnectionLimit} stops accepting at {@code maxConnections} (further clients wait in
 * the listen backlog, holding no descriptor of ours).
 */
public final class AdminHttp implements Service {
  private static final Logger log = LoggerFactory.getLogger(AdminHttp.class);

  private final ServerConfig config;
  private final LoginThrottle logins;
  private final Csrf csrf = Csrf.random();
  private final RouteTable routes = new RouteTable();
  private final HostAllowlist hosts;
  private Server server;
  private ServerConnector connector;
  private RequestDeadlines deadlines;
  private ExecutorService executor;
  private boolean stopped;

  /**
   * @param logins slows wrong Basic-auth passwords per source (shared with the command port)
   */
  public AdminHttp(
      ServerConfig config,
      InfoReport info,
      Console console,
      ServerMetrics metrics,
      LoginThrottle logins) {
    this.config = config;
    this.logins = logins;
    this.hosts = HostAllowlist.of(config.webBindHost(), config.web().allowedHosts());
    routes.getOpen(
        "/health",
        r -> {
          InfoReport.Health health = info.health();
          r.json(health.status(), health.body());
        });
    routes.get(MetricsHandler.PATH, new MetricsHandler(metrics));
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
    WebLimits limits = config.web();
    QueuedThreadPool pool = new QueuedThreadPool(8, 2);
    pool.setName("fabrik-web");
    pool.setDaemon(true);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(16 * 1024); // a longer request line + headers is a 431
    // A queue or job key may hold a '/' or a '%': the UI links /queues/a%2Fb, and RouteTable splits
    // the raw path before decoding. No file is served from a path, so nothing else reads it.
    http.setUriCompliance(
        UriCompliance.from(
            EnumSet.of(
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING)));
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(config.webBindHost());
    connector.setPort(config.webPort());
    connector.setAcceptQueueSize(64);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    deadlines =
        new RequestDeadlines(
            connector.getScheduler(), limits.headerTimeout(), limits.bodyTimeout());
    connector.addBean(deadlines);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setHandler(new Dispatcher());
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      throw new UncheckedIOException(
          new IOException(
              "cannot listen on "
                  + config.webBindHost()
                  + ":"
                  + config.webPort()
                  + ": "
                  + e.getMessage(),
              e));
    }
    log.info("admin HTTP on {}:{}", config.webBindHost(), port());
  }

  /** The bound port, or -1 when disabled or not started. */
  public synchronized int port() {
    return connector == null ? -1 : connector.getLocalPort();
  }

  /** Connections open right now (tests of the connection cap). */
  public synchronized int openConnections() {
    return connector == null ? 0 : connector.getConnectedEndPoints().size();
  }

  @Override
  public void stop(Duration timeout) {
    ExecutorService e;
    synchronized (this) {
      if (server == null || stopped) {
        return;
      }
      stopped = true;
      e = executor;
    }
    stopQuietly();
    e.shutdown();
    try {
      e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("stopping the admin HTTP server failed", e);
    }
  }

  /** Hands each request to a virtual thread of its own; Jetty's threads never wait on us. */
  private final class Dispatcher extends org.eclipse.jetty.server.Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      deadlines.headReceived(request);
      try {
        executor.execute(() -> exchange(request, response, callback));
      } catch (RejectedExecutionException e) {
        callback.failed(e); // stopping
      }
      return true;
    }
  }

  private void exchange(Request request, Response response, Callback callback) {
    Requests r =
        new Requests(
            request, response, callback, config, logins, csrf, routes.htmlErrorPage(), deadlines);
    try {
      try {
        dispatch(r);
      } catch (HttpError e) {
        answer(r, e.status(), e.getMessage());
      } catch (ConsoleException e) {
        answer(r, e.kind() == ConsoleException.Kind.NOT_FOUND ? 404 : 400, e.getMessage());
      } catch (RuntimeException e) {
        log.error("admin request {} {} failed", r.method(), request.getHttpURI(), e);
        answer(r, 500, "internal error: " + e.getClass().getSimpleName());
      }
    } catch (IOException | RuntimeException e) {
      log.debug("admin exchange {} ended early", request.getHttpURI(), e);
      r.abandon(e);
      return;
    }
    r.abandon(new IllegalStateException("no response for " + request.getHttpURI()));
  }

  private static void answer(Requests r, int status, String message) throws IOException {
    if (!r.responded()) {
      r.error(status, message);
    }
  }

  private void dispatch(Requests r) throws IOException {
    RouteTable.Lookup found = routes.find(r.method(), r.rawPath());
    boolean open = found instanceof RouteTable.Found f && f.route().open();
    if (!open && !hosts.allows(r.header("Host"))) {
      r.error(421, unknownHost(r.header("Host")));
      return;
    }
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

  private static String unknownHost(String host) {
    String shown = host.length() > 100 ? host.substring(0, 100) + "..." : host;
    return "this server does not answer to the name \""
        + shown
        + "\"; use localhost or its IP address, or add the name to [web] allowed_hosts";
  }
}
