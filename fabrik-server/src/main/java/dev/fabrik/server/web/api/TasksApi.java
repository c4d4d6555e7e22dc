package dev.fabrik.server.web.api;

import dev.fabrik.server.bulk.BulkAction;
import dev.fabrik.server.bulk.BulkTasks;
import dev.fabrik.server.bulk.TaskStatus;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.SetConsole;
import java.io.IOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bulk actions as server-side tasks that report progress, so acting on a million entries neither
 * holds an HTTP request for seconds nor loses track:
 *
 * <pre>
 * POST /api/tasks  {"set":"dead","action":"retry","type":"SendEmail","q":"timeout"}
 *                  {"set":"dead","action":"retry","fingerprint":"3f9a0c2e71b4d856"}  (a failure group)
 *        → 202 TASK          (action: retry, enqueue, delete, kill or count)
 * GET  /api/tasks            {"tasks":[TASK...]}      this node's, oldest first
 * GET  /api/tasks/{id}       TASK                     404 once forgotten (an hour after it ended)
 * POST /api/tasks/{id}/cancel → TASK                  stops after the chunk in hand
 *
 * TASK = {"id":"9f2c4e1a0b3d5f70","set":"dead","action":"retry","filter":{"type":..,"q":..},
 *         "state":"running|done|cancelled|failed","done":1500,"total":1000000,"changed":1500,
 *         "error":null,"started_at":..,"finished_at":null}
 * </pre>
 *
 * {@code total} is the set's size at the start for an unfiltered task and null for a filtered one
 * (how many match is known only at the end: run a {@code count} task first to know). A 409 when too
 * many tasks are running.
 */
public final class TasksApi {
  private final BulkTasks tasks;

  public TasksApi(BulkTasks tasks) {
    this.tasks = tasks;
  }

  public void register(RouteTable routes) {
    routes.post("/api/tasks", this::start);
    routes.get("/api/tasks", this::list);
    routes.get("/api/tasks/{id}", r -> r.json(200, json(find(r.param("id")))));
    routes.post(
        "/api/tasks/{id}/cancel",
        r ->
            r.json(
                200, json(tasks.cancel(r.param("id")).orElseThrow(() -> unknown(r.param("id"))))));
  }

  private void start(Requests r) throws IOException {
    ObjectNode body = r.jsonBody();
    SetName set = SetConsole.setNamed(text(body, "set"));
    BulkAction action;
    SetQuery query;
    try {
      action = BulkAction.parse(text(body, "action"));
      query =
          new SetQuery(
              blankToNull(text(body, "type")),
              text(body, "q"),
              false,
              blankToNull(text(body, "fingerprint")));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    TaskStatus started;
    try {
      started = tasks.start(set, action, query);
    } catch (BulkTasks.Busy e) {
      throw new HttpError(409, e.getMessage());
    }
    r.responseHeader("Location", "/api/tasks/" + started.id());
    r.json(202, json(started));
  }

  private void list(Requests r) throws IOException {
    ObjectNode body = ConsoleJson.object();
    ArrayNode list = body.putArray("tasks");
    tasks.list().forEach(t -> list.add(json(t)));
    r.json(200, body);
  }

  private TaskStatus find(String id) {
    return tasks.status(id).orElseThrow(() -> unknown(id));
  }

  private static HttpError unknown(String id) {
    return HttpError.notFound(
        "no task " + id + " on this node (finished tasks are kept for an hour)");
  }

  static ObjectNode json(TaskStatus t) {
    ObjectNode n = ConsoleJson.object();
    n.put("id", t.id());
    n.put("set", t.set().wireName());
    n.put("action", t.action().wireName());
    ObjectNode filter = n.putObject("filter");
    filter.put("type", t.query().jobtype());
    filter.put("q", t.query().text());
    filter.put("fingerprint", t.query().fingerprint());
    n.put("state", t.state().wireName());
    n.put("done", t.done());
    if (t.total() == null) {
      n.putNull("total");
    } else {
      n.put("total", t.total());
    }
    n.put("changed", t.changed());
    n.put("error", t.error());
    n.put("started_at", ConsoleJson.time(t.startedAt()));
    n.put("finished_at", ConsoleJson.time(t.finishedAt()));
    return n;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String text(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isString()) {
      throw HttpError.badRequest("\"" + field + "\" must be a string");
    }
    return v.stringValue();
  }
}
