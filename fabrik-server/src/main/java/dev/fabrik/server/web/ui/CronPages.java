package dev.fabrik.server.web.ui;

import dev.fabrik.server.cron.CronService;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;
import java.time.Clock;

/**
 * The Cron page: every entry, its schedule in words, the next three fire times, the last tick and
 * the job it pushed; pause/resume and "run now" (POST-redirect-GET like every other page).
 *
 * <pre>
 * GET  /cron
 * POST /cron/{id}/pause|resume|run
 * </pre>
 */
public final class CronPages {
  private final CronService cron;
  private final Clock clock;
  private final Pages pages = new Pages(new Assets());

  public CronPages(CronService cron, Clock clock) {
    this.cron = cron;
    this.clock = clock;
  }

  public void register(RouteTable routes) {
    routes.get("/cron", this::list);
    routes.post("/cron/{id}/pause", r -> act(r, cron.pause(r.param("id")), "paused"));
    routes.post("/cron/{id}/resume", r -> act(r, cron.resume(r.param("id")), "resumed"));
    routes.post("/cron/{id}/run", this::run);
  }

  private void list(Requests r) throws IOException {
    pages.show(
        r,
        "cron.jte",
        new CronPage(
            pages.chrome(r, "Cron", Nav.CRON), cron.list(), cron.configErrors(), clock.instant()));
  }

  private void run(Requests r) throws IOException {
    String id = r.param("id");
    cron.runNow(id)
        .ifPresentOrElse(
            jid -> Flash.ok(r, "Cron " + id + " pushed job " + jid),
            () -> Flash.error(r, "No cron entry " + id));
    r.redirect("/cron");
  }

  private static void act(Requests r, boolean known, String done) throws IOException {
    String id = r.param("id");
    if (known) {
      Flash.ok(r, "Cron " + id + " " + done);
    } else {
      Flash.error(r, "No cron entry " + id);
    }
    r.redirect("/cron");
  }
}
