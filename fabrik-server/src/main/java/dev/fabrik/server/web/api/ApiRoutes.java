package dev.fabrik.server.web.api;

import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.Console;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON API: everything the web UI shows and does, on the same {@link Console}. Documented with
 * curl examples in {@code docs/api.md} and the two pages it links. Errors are {@code
 * {"error":"..."}} with a 4xx.
 *
 * <pre>
 * GET  /api/csrf               {"token":"..."}   the token every POST carries as X-CSRF-Token
 * GET  /api/info               the INFO document
 * GET  /api/overview           totals, queues, set sizes, connections, uptime, storage size
 * GET  /api/stats/history      per-second processed/failed rates, last five minutes
 * </pre>
 *
 * plus the routes of {@link QueuesApi}, {@link BusyApi}, {@link SetsApi} and {@link JobsApi}.
 */
public final class ApiRoutes {
  private final Console console;
  private final InfoReport info;

  public ApiRoutes(Console console, InfoReport info) {
    this.console = console;
    this.info = info;
  }

  public void register(RouteTable routes) {
    routes.get(
        "/api/csrf",
        r -> {
          ObjectNode body = ConsoleJson.object();
          body.put("token", r.csrfToken());
          r.json(200, body);
        });
    routes.get("/api/info", r -> r.json(200, info.tree()));
    routes.get("/api/overview", r -> r.json(200, ConsoleJson.overview(console.overview())));
    routes.get("/api/stats/history", r -> r.json(200, ConsoleJson.history(console.statsHistory())));
    new QueuesApi(console.queues()).register(routes);
    new BusyApi(console.busy()).register(routes);
    new SetsApi(console.sets()).register(routes);
    new JobsApi(console.queues(), console.jobs()).register(routes);
  }
}
