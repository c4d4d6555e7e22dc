package dev.fabrik.server.web.api;

import dev.fabrik.server.cron.CronEntry;
import dev.fabrik.server.cron.CronService;
import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;
import java.time.Instant;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cron entries (conf.d's and the API's), with the same CSRF and same-origin rules as every POST:
 *
 * <pre>
 * GET  /api/cron             {"entries":[ENTRY...],"errors":["conf.d/20-cron.toml:4 [[cron]] #2: ..."]}
 * GET  /api/cron/{id}        ENTRY
 * POST /api/cron             body: {"name":"rollup","schedule":"@every 1h","timezone":"UTC",
 *                                   "catch_up":"last","job":{"type":"Rollup","args":[1]}}
 *                            → 201 ENTRY (an existing API entry with that name is replaced)
 * POST /api/cron/{id}/pause  → ENTRY            POST /api/cron/{id}/resume → ENTRY
 * POST /api/cron/{id}/run    → {"id":..,"jid":..}   pushes the job now
 * POST /api/cron/{id}/remove → {"id":..,"removed":true}   API entries only (conf.d: 400)
 *
 * ENTRY = {"id","name","schedule","timezone","catch_up","description","source","job":{..},
 *          "paused","last_tick","last_jid","last_run_at","next":[three RFC 3339 instants]}
 * </pre>
 */
public final class CronApi {
  private final CronService cron;

  public CronApi(CronService cron) {
    this.cron = cron;
  }

  public void register(RouteTable routes) {
    routes.get("/api/cron", this::list);
    routes.get("/api/cron/{id}", r -> r.json(200, entry(find(r.param("id")))));
    routes.post("/api/cron", this::add);
    routes.post("/api/cron/{id}/pause", r -> toggle(r, true));
    routes.post("/api/cron/{id}/resume", r -> toggle(r, false));
    routes.post("/api/cron/{id}/run", this::run);
    routes.post("/api/cron/{id}/remove", this::remove);
  }

  private void list(Requests r) throws IOException {
    ObjectNode body = ConsoleJson.object();
    ArrayNode entries = body.putArray("entries");
    cron.list().forEach(v -> entries.add(entry(v)));
    ArrayNode errors = body.putArray("errors");
    cron.configErrors().forEach(errors::add);
    r.json(200, body);
  }

  private void add(Requests r) throws IOException {
    CronEntry added;
    try {
      added = cron.add(r.jsonBody());
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("cron entry refused: " + e.getMessage());
    }
    r.json(201, entry(find(added.id())));
  }

  private void toggle(Requests r, boolean pause) throws IOException {
    String id = r.param("id");
    boolean known = pause ? cron.pause(id) : cron.resume(id);
    if (!known) {
      throw unknown(id);
    }
    r.json(200, entry(find(id)));
  }

  private void run(Requests r) throws IOException {
    String id = r.param("id");
    String jid = cron.runNow(id).orElseThrow(() -> unknown(id));
    ObjectNode body = ConsoleJson.object();
    body.put("id", id);
    body.put("jid", jid);
    r.json(200, body);
  }

  private void remove(Requests r) throws IOException {
    String id = r.param("id");
    boolean removed;
    try {
      removed = cron.remove(id);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    if (!removed) {
      throw unknown(id);
    }
    ObjectNode body = ConsoleJson.object();
    body.put("id", id);
    body.put("removed", true);
    r.json(200, body);
  }

  private CronService.View find(String id) {
    return cron.view(id).orElseThrow(() -> unknown(id));
  }

  private static HttpError unknown(String id) {
    return HttpError.notFound("no cron entry \"" + id + "\"");
  }

  static ObjectNode entry(CronService.View v) {
    CronEntry e = v.entry();
    ObjectNode o = ConsoleJson.object();
    o.put("id", e.id());
    o.put("name", e.name());
    o.put("schedule", e.expression());
    o.put("timezone", e.zone().getId());
    o.put("catch_up", e.catchUp().wireName());
    o.put("description", e.describe());
    o.put("source", e.source());
    o.set("job", e.job());
    CronStore.TickState s = v.state();
    o.put("paused", s != null && s.paused());
    o.put("last_tick", s == null ? null : text(s.lastTick()));
    o.put("last_jid", s == null ? null : s.lastJid());
    o.put("last_run_at", s == null ? null : text(s.lastRunAt()));
    ArrayNode next = o.putArray("next");
    v.nextFires().forEach(t -> next.add(t.toString()));
    return o;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
