package dev.fabrik.server.web.api;

import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.BusyConsole;
import dev.fabrik.server.workers.WorkerState;
import java.io.IOException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Workers and jobs in progress:
 *
 * <pre>
 * GET  /api/busy?limit=100             {"processes":[..],"working":2,"jobs":[{"jid":..,"running_seconds":12.5,..}]}
 * GET  /api/workers                    [{"wid":..,"hostname":..,"pid":..,"labels":[..],"state":"running",..}]
 * POST /api/workers/{wid}/quiet        {"signal":"quiet","signaled":1}; wid "all" signals every worker
 * POST /api/workers/{wid}/terminate    {"signal":"terminate","signaled":1}
 * </pre>
 *
 * An unknown wid is a 404. The worker learns its new state on its next BEAT.
 */
final class BusyApi {
  static final int DEFAULT_LIMIT = 100;

  private final BusyConsole busy;

  BusyApi(BusyConsole busy) {
    this.busy = busy;
  }

  void register(RouteTable routes) {
    routes.get("/api/busy", this::report);
    routes.get("/api/workers", r -> r.json(200, ConsoleJson.processes(busy.report(1).processes())));
    routes.post("/api/workers/{wid}/quiet", r -> signal(r, WorkerState.QUIET));
    routes.post("/api/workers/{wid}/terminate", r -> signal(r, WorkerState.TERMINATE));
  }

  private void report(Requests r) throws IOException {
    int limit = r.queryInt("limit", DEFAULT_LIMIT, 1, BusyConsole.MAX_JOBS);
    r.json(200, ConsoleJson.busy(busy.report(limit)));
  }

  private void signal(Requests r, WorkerState state) throws IOException {
    int signaled = busy.signal(r.param("wid"), state);
    ObjectNode body = ConsoleJson.object();
    body.put("signal", state.wireName());
    body.put("signaled", signaled);
    r.json(200, body);
  }
}
