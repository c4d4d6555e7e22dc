package dev.fabrik.server.web.api;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.command.InfoReport;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.Console;
import dev.fabrik.server.web.console.WorkerProcess;
import dev.fabrik.server.workers.WorkerState;
import java.io.IOException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON API (documented with curl examples in {@code docs/api.md}):
 *
 * <pre>
 * GET  /api/csrf                      {"token":"..."}  the token every POST must carry
 * GET  /api/info                      the INFO document
 * GET  /api/workers                   [{"wid":..,"hostname":..,"pid":..,"labels":[..],"state":"running",...}]
 * POST /api/workers/{wid}/quiet       {"signal":"quiet","signaled":1}; wid "all" signals every worker
 * POST /api/workers/{wid}/terminate
 * </pre>
 */
public final class ApiRoutes {
  private final Console console;
  private final InfoReport info;

  public ApiRoutes(Console console, InfoReport info) {
    this.console = console;
    this.info = info;
  }

  public void register(RouteTable routes) {
    routes.get("/api/csrf", this::csrf);
    routes.get("/api/info", r -> r.json(200, info.tree()));
    routes.get("/api/workers", this::workers);
    routes.post("/api/workers/{wid}/quiet", r -> signal(r, WorkerState.QUIET));
    routes.post("/api/workers/{wid}/terminate", r -> signal(r, WorkerState.TERMINATE));
  }

  private void csrf(Requests r) throws IOException {
    ObjectNode body = JobCodec.MAPPER.createObjectNode();
    body.put("token", r.csrfToken());
    r.json(200, body);
  }

  private void workers(Requests r) throws IOException {
    ArrayNode list = JobCodec.MAPPER.createArrayNode();
    for (WorkerProcess w : console.busy().report(1).processes()) {
      ObjectNode o = list.addObject();
      o.put("wid", w.wid());
      o.put("hostname", w.hostname());
      o.put("pid", w.pid());
      ArrayNode labels = o.putArray("labels");
      w.labels().forEach(labels::add);
      o.put("started_at", w.startedAt() == null ? null : Timestamps.format(w.startedAt()));
      o.put("last_beat", w.lastBeat() == null ? null : Timestamps.format(w.lastBeat()));
      o.put("rss_kb", w.rssKb());
      o.put("state", w.state());
      o.put("connections", w.connections());
    }
    r.json(200, list);
  }

  private void signal(Requests r, WorkerState state) throws IOException {
    int signaled = console.busy().signal(r.param("wid"), state);
    ObjectNode body = JobCodec.MAPPER.createObjectNode();
    body.put("signal", state.wireName());
    body.put("signaled", signaled);
    r.json(200, body);
  }
}
