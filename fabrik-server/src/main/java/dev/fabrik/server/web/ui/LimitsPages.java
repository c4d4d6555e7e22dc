package dev.fabrik.server.web.ui;

import dev.fabrik.server.limits.Limits;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;

/**
 * The Limits page: each concurrency and rate limit, where it comes from, and its slots in use;
 * removing one set through the API (POST-redirect-GET like every other page).
 *
 * <pre>
 * GET  /limits
 * POST /limits/{id}/remove
 * </pre>
 */
public final class LimitsPages {
  private final Limits limits;
  private final Pages pages = new Pages(new Assets());

  public LimitsPages(Limits limits) {
    this.limits = limits;
  }

  public void register(RouteTable routes) {
    routes.get("/limits", this::list);
    routes.post("/limits/{id}/remove", this::remove);
  }

  private void list(Requests r) throws IOException {
    pages.show(
        r, "limits.jte", new LimitsPage(pages.chrome(r, "Limits", Nav.LIMITS), limits.usage()));
  }

  private void remove(Requests r) throws IOException {
    String id = r.param("id");
    if (limits.remove(id)) {
      Flash.ok(r, "Limit " + id + " removed");
    } else {
      Flash.error(r, "No limit " + id + " set through the API (conf.d limits are edited there)");
    }
    r.redirect("/limits");
  }
}
