package dev.fabrik.server.web.ui;

import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.history.History;
import dev.fabrik.server.history.HistoryRange;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
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
 *                                      ?range=1h|1d|7d|90d: the history graph's range
 * GET  /jobtypes                       figures per job type ?range=&amp;sort= (with a history)
 * GET  /queues, /queues/{name}         queues; one queue's jobs, paged (?cursor=N)
 * GET  /queues/{name}/jobs/{position}?jid=J   one queued job (position: offset from the head)
 * POST /queues/{name}/pause|resume|remove      from=queue: back to the queue's page
 * GET  /busy                           worker processes, jobs in progress (Live: polls /api/busy)
 * POST /busy/{wid}/quiet|terminate     wid "all" for every worker
 * GET  /retries|/scheduled|/dead       ?type=&amp;q=&amp;order=desc&amp;cursor=
 * GET  /retries/{key} ...              one entry's job
 * POST /retries/actions ...            action=retry|enqueue|delete|kill with key=...; or all=ACTION
 * GET  /search?jid=J                   find a job by jid (the search box of every page)
 * POST /queues/{name}/jobs/{jid}/delete|front   one queued job: delete, or run next
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
  private final History history;
  private final StorageSummary storage;

  public WebUi(Console console, Clock clock) {
    this(console, clock, List::of, StorageSummary.UNKNOWN, null);
  }

  /**
   * @param nodes the server nodes sharing the store; the Busy page lists them when there are
   *     several
   * @param storage the store, named on the dashboard
   * @param history the job history the dashboard graphs ({@code /?range=1h|1d|7d|90d}), or null
   */
  public WebUi(
      Console console,
      Clock clock,
      Supplier<List<NodeRegistry.NodeStatus>> nodes,
      StorageSummary storage,
      History history) {
    this.console = console;
    this.clock = clock;
    this.nodes = nodes;
    this.storage = storage;
    this.history = history;
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
                    pages.chrome(r, "Dashboard", Nav.DASHBOARD),
                    console.overview(),
                    storage,
                    historyChart(r))));
    new QueueRoutes(console.queues(), pages, console::progress).register(routes);
    new BusyRoutes(console.busy(), pages, clock, nodes).register(routes);
    new SetRoutes(console.sets(), pages, clock, console::progress).register(routes);
    if (history != null) {
      new JobTypesPages(history, pages).register(routes);
    }
    new SingleJobRoutes(console.queues(), console.jobs(), pages).register(routes);
  }

  private HistoryChart historyChart(Requests r) {
    if (history == null) {
      return null;
    }
    try {
      HistoryRange range = HistoryRange.parse(r.query("range", null), HistoryRange.HOUR);
      return new HistoryChart(history.series(range, null));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
  }
}
