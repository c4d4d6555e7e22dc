package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.QueueConsole;
import java.io.IOException;
import java.util.function.Consumer;

/** The Queues page, one queue's jobs, and pause/resume/remove. */
final class QueueRoutes {
  static final int PAGE_SIZE = 25;

  private final QueueConsole queues;
  private final Pages pages;

  QueueRoutes(QueueConsole queues, Pages pages) {
    this.queues = queues;
    this.pages = pages;
  }

  void register(RouteTable routes) {
    routes.get("/queues", this::list);
    routes.get("/queues/{name}", this::browse);
    routes.post("/queues/{name}/pause", r -> act(r, queues::pause, "paused"));
    routes.post("/queues/{name}/resume", r -> act(r, queues::resume, "resumed"));
    routes.post("/queues/{name}/remove", r -> act(r, queues::remove, "removed"));
  }

  private void list(Requests r) throws IOException {
    pages.show(
        r, "queues.jte", new QueuesPage(pages.chrome(r, "Queues", Nav.QUEUES), queues.list()));
  }

  private void browse(Requests r) throws IOException {
    String name = r.param("name");
    long cursor = r.queryInt("cursor", 0, 0, Integer.MAX_VALUE);
    pages.show(
        r,
        "queue.jte",
        new QueuePage(
            pages.chrome(r, "Queue " + name, Nav.QUEUES),
            queues.jobs(name, cursor, PAGE_SIZE),
            PAGE_SIZE));
  }

  private void act(Requests r, Consumer<String> action, String done) throws IOException {
    String name = r.param("name");
    action.accept(name);
    Flash.ok(r, "Queue " + name + " " + done);
    r.redirect("/queues");
  }
}
