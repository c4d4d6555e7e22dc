package dev.fabrik.server.web.ui;

import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.Console;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The server-rendered web UI: registers its pages on the admin HTTP server's route table. Pages
 * read and act only through the {@link Console}, the same code paths as the JSON API.
 *
 * <pre>
 * GET  /                               dashboard (its script polls /api/overview, /api/stats/history)
 * GET  /queues, /queues/{name}         queues; one queue's jobs, paged (?cursor=N)
 * GET  /queues/{name}/jobs/{position}?jid=J   one queued job (position: offset from the head)
 * POST /queues/{name}/pause|resume|remove      from=queue: back to the queue's page
 * GET  /busy                           worker processes, jobs in progress (Live: polls /api/busy)
 * POST /busy/{wid}/quiet|terminate     wid "all" for every worker
 * GET  /retries|/scheduled|/dead       ?type=&amp;q=&amp;order=desc&amp;cursor=
 * GET  /retries/{key} ...              one entry's job
 * POST /retries/actions ...            action=retry|enqueue|delete|kill with key=...; or all=ACTION
 * GET  /static/{name}                  app.css, app.js
 * </pre>
 *
 * Every POST answers 303 to a page that shows a flash message (POST-redirect-GET); the route table
 * has checked same-origin and the CSRF token before a handler runs. Every GET also answers HEAD.
 */
public final class WebUi {
  private final Console console;
  private final Clock clock;
  private final Supplier<List<NodeRegistry.NodeStatus>> nodes;
  private final StorageSummary storage;

  public WebUi(Console console, Clock clock) {
    this(console, clock, List::of, StorageSummary.UNKNOWN);
  }

  /**
   * @param nodes the server nodes sharing the store; the Busy page lists them when there are
   *     several
   * @param storage the store, named on the dashboard
   */
  public WebUi(
      Console console,
      Clock clock,
      Supplier<List<NodeRegistry.NodeStatus>> nodes,
      StorageSummary storage) {
    this.console = console;
    this.clock = clock;
    this.nodes = nodes;
    this.storage = storage;
  }

  /** Adds the UI's routes and its error page to {@code routes}. */
  public void register(RouteTable routes) {
    Assets assets = new Assets();
    Pages pages = new Pages(assets);
    routes.htmlErrorPage(pages);
    routes.get("/static/{name}", assets::serve);
    routes.get(
        "/",
        r ->
            pages.show(
                r,
                "dashboard.jte",
                new DashboardPage(
                    pages.chrome(r, "Dashboard", Nav.DASHBOARD), console.overview(), storage)));
    new QueueRoutes(console.queues(), pages, console::progress).register(routes);
    new BusyRoutes(console.busy(), pages, clock, nodes).register(routes);
    new SetRoutes(console.sets(), pages, clock, console::progress).register(routes);
  }
}
