package dev.fabrik.server.web.ui;

import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.console.BusyConsole;
import dev.fabrik.server.workers.WorkerState;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** The Busy page and the quiet/terminate signals (a worker learns them on its next BEAT). */
final class BusyRoutes {
  /** Jobs in progress listed; the heading still gives the full count. */
  static final int JOB_LIMIT = 200;

  private final BusyConsole busy;
  private final Pages pages;
  private final Clock clock;
  private final Supplier<List<NodeRegistry.NodeStatus>> nodes;

  BusyRoutes(
      BusyConsole busy, Pages pages, Clock clock, Supplier<List<NodeRegistry.NodeStatus>> nodes) {
    this.busy = busy;
    this.pages = pages;
    this.clock = clock;
    this.nodes = nodes;
  }

  void register(RouteTable routes) {
    routes.get("/busy", this::show);
    routes.post("/busy/{wid}/quiet", r -> signal(r, WorkerState.QUIET));
    routes.post("/busy/{wid}/terminate", r -> signal(r, WorkerState.TERMINATE));
  }

  private void show(Requests r) throws IOException {
    pages.show(
        r,
        "busy.jte",
        new BusyPage(
            pages.chrome(r, "Busy", Nav.BUSY),
            busy.report(JOB_LIMIT),
            clock.instant(),
            JOB_LIMIT,
            nodes.get()));
  }

  private void signal(Requests r, WorkerState state) throws IOException {
    String wid = r.param("wid");
    int n = busy.signal(wid, state);
    String verb = state == WorkerState.QUIET ? "Quiet" : "Terminate";
    Flash.ok(
        r,
        BusyConsole.ALL.equals(wid)
            ? verb + " sent to " + n + (n == 1 ? " worker" : " workers")
            : verb + " sent to " + wid);
    r.redirect("/busy");
  }
}
