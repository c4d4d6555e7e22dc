package dev.fabrik.server.web.api;

import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.ConsoleException;
import dev.fabrik.server.web.console.FoundJob;
import dev.fabrik.server.web.console.JobSearch;
import dev.fabrik.server.web.console.QueueConsole;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One job at a time, as the UI's search box and a queue page's row buttons do it.
 *
 * <pre>
 * GET  /api/jobs/{jid}                         {"jid":"J","found":[{"where":"queued","queue":"default",
 *                                               "set":null,"key":null,"at":null,"wid":null,"job":{..}}]}
 *                                              404 when the jid is nowhere
 * POST /api/queues/{name}/jobs/{jid}/delete    {"queue":"default","jid":"J","deleted":true}
 * POST /api/queues/{name}/jobs/{jid}/front     {"queue":"default","jid":"J","front":true}
 *                                              404 when not queued there (fetched, deleted, never)
 * </pre>
 */
final class JobsApi {
  private final QueueConsole queues;
  private final JobSearch search;

  JobsApi(QueueConsole queues, JobSearch search) {
    this.queues = queues;
    this.search = search;
  }

  void register(RouteTable routes) {
    routes.get("/api/jobs/{jid}", this::find);
    routes.post(
        "/api/queues/{name}/jobs/{jid}/delete",
        r -> {
          queues.deleteJob(r.param("name"), r.param("jid"));
          edited(r, "deleted");
        });
    routes.post(
        "/api/queues/{name}/jobs/{jid}/front",
        r -> {
          queues.moveToFront(r.param("name"), r.param("jid"));
          edited(r, "front");
        });
  }

  private void find(Requests r) throws IOException {
    String jid = r.param("jid");
    List<FoundJob> found = search.find(jid);
    if (found.isEmpty()) {
      throw ConsoleException.notFound(
          "no job " + jid + " in any queue, in progress, or in the scheduled, retries or dead set");
    }
    ObjectNode body = ConsoleJson.object();
    body.put("jid", jid);
    ArrayNode places = body.putArray("found");
    for (FoundJob f : found) {
      ObjectNode o = places.addObject();
      o.put("where", f.where());
      o.put("queue", f.job().queue());
      o.put("set", f.set() == null ? null : f.set().wireName());
      o.put("key", f.key());
      o.put("at", ConsoleJson.time(f.at()));
      o.put("wid", f.wid());
      o.set("job", ConsoleJson.jobDetail(f.job()));
    }
    r.json(200, body);
  }

  private static void edited(Requests r, String field) throws IOException {
    ObjectNode body = ConsoleJson.object();
    body.put("queue", r.param("name"));
    body.put("jid", r.param("jid"));
    body.put(field, true);
    r.json(200, body);
  }
}
