package dev.fabrik.server.web.api;

import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.workflow.WorkflowView;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Workflows ({@code custom.after}), read only:
 *
 * <pre>
 * GET /api/workflows?cursor=&amp;limit=25   {"held_count":3,"held":[NODE...],"next":"jid"|null}
 * GET /api/workflows/{jid}                NODE, or 404 when the job takes part in no workflow
 *
 * NODE = {"jid","jobtype","queue","state","waiting","cause",
 *         "dependencies":[{"jid","state"}...],"dependents":[{"jid","state"}...]}
 * </pre>
 *
 * {@code state} is {@code held}, {@code active}, {@code done}, {@code dead}, {@code blocked} (in
 * the dead set because {@code cause} died) or, for a neighbour whose row was purged, {@code
 * unknown}. Held jobs are listed by jid; {@code cursor} is the last jid of the previous page.
 */
public final class WorkflowsApi {
  private final WorkflowView view;

  public WorkflowsApi(WorkflowView view) {
    this.view = view;
  }

  public void register(RouteTable routes) {
    routes.get("/api/workflows", this::list);
    routes.get(
        "/api/workflows/{jid}",
        r ->
            r.json(
                200,
                node(
                    view.node(r.param("jid"))
                        .orElseThrow(
                            () -> HttpError.notFound("no workflow job " + r.param("jid"))))));
  }

  private void list(Requests r) throws IOException {
    int limit = r.queryInt("limit", 25, 1, 1000);
    List<WorkflowView.Node> held = view.held(r.query("cursor", ""), limit);
    ObjectNode body = ConsoleJson.object();
    body.put("held_count", view.heldCount());
    ArrayNode list = body.putArray("held");
    held.forEach(n -> list.add(node(n)));
    body.put("next", held.size() < limit ? null : held.getLast().jid());
    r.json(200, body);
  }

  static ObjectNode node(WorkflowView.Node n) {
    ObjectNode o = ConsoleJson.object();
    o.put("jid", n.jid());
    o.put("jobtype", n.jobtype());
    o.put("queue", n.queue());
    o.put("state", n.state());
    o.put("waiting", n.waiting());
    o.put("cause", n.cause());
    links(o.putArray("dependencies"), n.dependencies());
    links(o.putArray("dependents"), n.dependents());
    return o;
  }

  private static void links(ArrayNode out, List<WorkflowView.Link> links) {
    for (WorkflowView.Link l : links) {
      ObjectNode o = out.addObject();
      o.put("jid", l.jid());
      o.put("state", l.state());
    }
  }
}
