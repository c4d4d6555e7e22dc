package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.workflow.WorkflowView;
import java.io.IOException;
import java.util.List;

/**
 * The Workflows page (held jobs and what each waits for) and a workflow job's page (its
 * dependencies and dependents with their states).
 *
 * <pre>
 * GET /workflows?cursor=&lt;jid&gt;
 * GET /workflows/{jid}
 * </pre>
 */
public final class WorkflowPages {
  private static final int PAGE = 50;

  private final WorkflowView view;
  private final Pages pages = new Pages(new Assets());

  public WorkflowPages(WorkflowView view) {
    this.view = view;
  }

  public void register(RouteTable routes) {
    routes.get("/workflows", this::list);
    routes.get("/workflows/{jid}", this::job);
  }

  private void list(Requests r) throws IOException {
    List<WorkflowView.Node> held = view.held(r.query("cursor", ""), PAGE);
    String next = held.size() < PAGE ? null : held.getLast().jid();
    pages.show(
        r,
        "workflows.jte",
        new WorkflowsPage(
            pages.chrome(r, "Workflows", Nav.WORKFLOWS), held, view.heldCount(), next));
  }

  private void job(Requests r) throws IOException {
    String jid = r.param("jid");
    WorkflowView.Node node =
        view.node(jid).orElseThrow(() -> HttpError.notFound("no workflow job " + jid));
    pages.show(
        r,
        "workflow-job.jte",
        new WorkflowJobPage(pages.chrome(r, "Workflow job", Nav.WORKFLOWS), node));
  }

  /** Held jobs, one page. */
  public record WorkflowsPage(
      Chrome chrome, List<WorkflowView.Node> held, long heldCount, String next) {}

  /** One workflow job with its neighbours. */
  public record WorkflowJobPage(Chrome chrome, WorkflowView.Node node) {}
}
