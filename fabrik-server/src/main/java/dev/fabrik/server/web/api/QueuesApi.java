package dev.fabrik.server.web.api;

import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.QueueConsole;
import java.io.IOException;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * Queues:
 *
 * <pre>
 * GET  /api/queues                             [{"name":"default","size":3,"latency_seconds":1.5,"paused":false}]
 * GET  /api/queues/{name}/jobs?cursor=0&amp;limit=25 {"queue":..,"size":..,"latency_seconds":..,"paused":..,"cursor":"0","next":"25","jobs":[..]}
 * GET  /api/queues/{name}/jobs/{position}?jid=J {"queue":..,"position":3,"size":..,"job":{..}}
 * POST /api/queues/{name}/pause                {"queue":"default","paused":true}
 * POST /api/queues/{name}/resume               {"queue":"default","paused":false}
 * POST /api/queues/{name}/remove               {"queue":"default","removed":true}
 * </pre>
 *
 * An unknown queue is a 404; a cursor or position that is not a non-negative integer a 400. A job
 * is looked up by its offset from the head and checked by jid; when it is no longer there or close
 * by (fetched, most likely) the answer is a 404.
 */
final class QueuesApi {
  static final int DEFAULT_LIMIT = 25;

  private final QueueConsole queues;

  QueuesApi(QueueConsole queues) {
    this.queues = queues;
  }

  void register(RouteTable routes) {
    routes.get("/api/queues", r -> r.json(200, ConsoleJson.queues(queues.list())));
    routes.get("/api/queues/{name}/jobs", this::jobs);
    routes.get("/api/queues/{name}/jobs/{position}", this::job);
    routes.post("/api/queues/{name}/pause", r -> act(r, queues::pause, "paused", true));
    routes.post("/api/queues/{name}/resume", r -> act(r, queues::resume, "paused", false));
    routes.post("/api/queues/{name}/remove", r -> act(r, queues::remove, "removed", true));
  }

  private void jobs(Requests r) throws IOException {
    String cursor = r.query("cursor", "0");
    long offset;
    try {
      offset = Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      offset = -1;
    }
    if (offset < 0) {
      throw HttpError.badRequest(
          "bad page cursor \"" + cursor + "\": use the \"next\" value of the page before");
    }
    int limit = r.queryInt("limit", DEFAULT_LIMIT, 1, QueueConsole.MAX_PAGE);
    r.json(200, ConsoleJson.queueJobs(queues.jobs(r.param("name"), offset, limit)));
  }

  private void job(Requests r) throws IOException {
    long position = QueueConsole.position(r.param("position"));
    r.json(200, ConsoleJson.queuedJob(queues.job(r.param("name"), position, r.query("jid", null))));
  }

  private static void act(Requests r, Consumer<String> action, String field, boolean value)
      throws IOException {
    String name = r.param("name");
    action.accept(name);
    ObjectNode body = ConsoleJson.object();
    body.put("queue", name);
    body.put(field, value);
    r.json(200, body);
  }
}
