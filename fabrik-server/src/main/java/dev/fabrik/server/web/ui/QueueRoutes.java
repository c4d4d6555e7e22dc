package dev.fabrik.server.web.ui;

import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.JobDetail;
import dev.fabrik.server.web.console.JobProgress;
import dev.fabrik.server.web.console.QueueConsole;
import dev.fabrik.server.web.console.QueuedJobDetail;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;

/** The Queues page, one queue's jobs, one queued job, and pause/resume/remove. */
final class QueueRoutes {
  static final int PAGE_SIZE = 25;

  /** The form field a queue's own page sends so that pause/resume lead back to it. */
  static final String FROM_QUEUE = "queue";

  private final QueueConsole queues;
  private final Pages pages;
  private final Function<JobDetail, JobProgress> progress;

  QueueRoutes(QueueConsole queues, Pages pages, Function<JobDetail, JobProgress> progress) {
    this.queues = queues;
    this.progress = progress;
    this.pages = pages;
  }

  void register(RouteTable routes) {
    routes.get("/queues", this::list);
    routes.get("/queues/{name}", this::browse);
    routes.get("/queues/{name}/jobs/{position}", this::job);
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

  /**
   * {@code GET /queues/default/jobs/3?jid=abc}: the job the queue's page listed fourth, if it is
   * still there or close by; a 404 page saying it may have been fetched otherwise.
   */
  private void job(Requests r) throws IOException {
    long asked = QueueConsole.position(r.param("position"));
    QueuedJobDetail found = queues.job(r.param("name"), asked, r.query("jid", null));
    pages.show(
        r,
        "job.jte",
        JobPage.inQueue(
                pages.chrome(r, "Job " + found.job().jid(), Nav.QUEUES), found, asked, PAGE_SIZE)
            .withProgress(progress.apply(found.job())));
  }

  /** Back to the page the form was on: the queue's own page sends {@code from=queue}. */
  private void act(Requests r, Consumer<String> action, String done) throws IOException {
    String name = r.param("name");
    action.accept(name);
    Flash.ok(r, "Queue " + name + " " + done);
    boolean fromQueue = r.form().first("from").orElse("").equals(FROM_QUEUE);
    r.redirect(fromQueue && !done.equals("removed") ? "/queues/" + Display.seg(name) : "/queues");
  }
}
