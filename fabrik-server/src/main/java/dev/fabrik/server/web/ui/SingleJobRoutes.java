package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.ConsoleException;
import dev.fabrik.server.web.console.JobSearch;
import dev.fabrik.server.web.console.QueueConsole;
import java.io.IOException;
import java.util.List;

/**
 * One job at a time: the search box's result page, and deleting or moving to the front one queued
 * job from a queue's page or from a search result.
 *
 * <pre>
 * GET  /search?jid=J                         every place jid J is, with links and actions
 * POST /queues/{name}/jobs/{jid}/delete      csrf=..., back=/queues/default?cursor=25
 * POST /queues/{name}/jobs/{jid}/front       (the same fields)
 * </pre>
 */
final class SingleJobRoutes {

  /** The form field naming the page to return to after an edit. */
  static final String BACK = "back";

  private final QueueConsole queues;
  private final JobSearch search;
  private final Pages pages;

  SingleJobRoutes(QueueConsole queues, JobSearch search, Pages pages) {
    this.queues = queues;
    this.search = search;
    this.pages = pages;
  }

  void register(RouteTable routes) {
    routes.get("/search", this::search);
    routes.post("/queues/{name}/jobs/{jid}/delete", r -> edit(r, true));
    routes.post("/queues/{name}/jobs/{jid}/front", r -> edit(r, false));
  }

  private void search(Requests r) throws IOException {
    String jid = r.query("jid", "").strip();
    Chrome chrome = pages.chrome(r, jid.isEmpty() ? "Find a job" : "Job " + jid, null);
    pages.show(
        r, "search.jte", new SearchPage(chrome, jid, jid.isEmpty() ? List.of() : search.find(jid)));
  }

  /**
   * A refusal (the job was fetched meanwhile) is a flash message on the page the operator came
   * from, not an error page: the list there is simply out of date.
   */
  private void edit(Requests r, boolean delete) throws IOException {
    String queue = r.param("name");
    String jid = r.param("jid");
    try {
      if (delete) {
        queues.deleteJob(queue, jid);
        Flash.ok(r, "Job " + jid + " deleted from " + queue);
      } else {
        queues.moveToFront(queue, jid);
        Flash.ok(r, "Job " + jid + " moved to the front of " + queue);
      }
    } catch (ConsoleException e) {
      Flash.error(r, e.getMessage());
    }
    r.redirect(back(r.form().first(BACK).orElse(null), queue));
  }

  /** Only this UI's own pages: a form field must not send the browser elsewhere. */
  static String back(String asked, String queue) {
    if (asked != null
        && (asked.startsWith("/queues/") || asked.startsWith("/search?"))
        && !asked.startsWith("//")
        && asked.chars().noneMatch(c -> c < 0x20 || c == '\\')) {
      return asked;
    }
    return "/queues/" + Display.seg(queue);
  }
}
