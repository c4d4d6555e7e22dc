package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.FormData;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.JobDetail;
import dev.fabrik.server.web.console.JobProgress;
import dev.fabrik.server.web.console.SetAction;
import dev.fabrik.server.web.console.SetConsole;
import dev.fabrik.server.web.console.SetFilter;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * The Retries, Scheduled and Dead pages: a filtered, cursor-paged listing (GET, so a filtered page
 * is a link one can share), one entry's page, and the actions on selected or all matching entries.
 */
final class SetRoutes {
  static final int PAGE_SIZE = 25;

  private final SetConsole sets;
  private final Pages pages;
  private final Clock clock;
  private final Function<JobDetail, JobProgress> progress;

  SetRoutes(SetConsole sets, Pages pages, Clock clock, Function<JobDetail, JobProgress> progress) {
    this.sets = sets;
    this.progress = progress;
    this.pages = pages;
    this.clock = clock;
  }

  void register(RouteTable routes) {
    for (SetView view : SetView.values()) {
      routes.get(view.path(), r -> list(r, view));
      routes.get(view.path() + "/{key}", r -> entry(r, view));
      routes.post(view.path() + "/actions", r -> act(r, view));
    }
  }

  private void list(Requests r, SetView view) throws IOException {
    SetFilter filter =
        new SetFilter(
            r.query("type", null),
            r.query("q", null),
            SetFilter.descending(r.query("order", null)),
            r.query("fp", null));
    pages.show(
        r,
        "set.jte",
        new SetPage(
            pages.chrome(r, view.nav().label(), view.nav()),
            view,
            sets.page(view.set(), filter, r.query("cursor", null), PAGE_SIZE),
            clock.instant()));
  }

  private void entry(Requests r, SetView view) throws IOException {
    var entry = sets.entry(view.set(), r.param("key"));
    pages.show(
        r,
        "job.jte",
        JobPage.inSet(
                pages.chrome(r, "Job " + entry.job().jid(), view.nav()),
                view,
                entry,
                clock.instant())
            .withProgress(progress.apply(entry.job())));
  }

  /**
   * {@code action=retry&key=K1&key=K2} acts on the selected entries; {@code all=retry&type=T&q=X}
   * on every entry matching the filter the page showed.
   */
  private void act(Requests r, SetView view) throws IOException {
    FormData form = r.form();
    String back = back(view, form);
    String all = form.first("all").orElse(null);
    String name = all != null ? all : form.first("action").orElse(null);
    if (name == null || !view.offers(name)) {
      throw HttpError.badRequest(
          "the " + view.set().wireName() + " page has no action \"" + name + "\"");
    }
    SetAction action = SetAction.parse(name);
    int n;
    if (all != null) {
      n =
          sets.actOnMatching(
              view.set(),
              action,
              new SetFilter(
                  form.first("type").orElse(null),
                  form.first("q").orElse(null),
                  false,
                  form.first("fp").orElse(null)));
    } else {
      List<String> keys = form.all("key");
      if (keys.isEmpty()) {
        Flash.error(r, "Select at least one job first");
        r.redirect(back);
        return;
      }
      n = sets.act(view.set(), action, keys);
    }
    Flash.ok(r, SetView.done(name, n));
    r.redirect(back);
  }

  /** The set's page with the filter the form carried. */
  private static String back(SetView view, FormData form) {
    StringBuilder q = new StringBuilder();
    form.first("type")
        .filter(s -> !s.isBlank())
        .ifPresent(t -> q.append("&type=").append(Display.q(t)));
    form.first("q").filter(s -> !s.isEmpty()).ifPresent(t -> q.append("&q=").append(Display.q(t)));
    form.first("fp")
        .filter(s -> !s.isBlank())
        .ifPresent(t -> q.append("&fp=").append(Display.q(t)));
    if (form.first("order").orElse("").equals("desc")) {
      q.append("&order=desc");
    }
    return q.isEmpty() ? view.path() : view.path() + "?" + q.substring(1);
  }
}
