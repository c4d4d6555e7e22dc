package dev.fabrik.server.web.api;

import dev.fabrik.server.history.History;
import dev.fabrik.server.history.HistoryPoint;
import dev.fabrik.server.history.HistoryRange;
import dev.fabrik.server.history.HistorySeries;
import dev.fabrik.server.history.JobTypeSort;
import dev.fabrik.server.history.JobTypeStats;
import dev.fabrik.server.history.Tally;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job history (docs/history.md): counts per time step for a graph, and figures per job type.
 * Ranges are {@code 1h} (by minute), {@code 1d} (by 10 minutes), {@code 7d} (by hour) and {@code
 * 90d} (by day); the counts lag by at most the flush period (5 s).
 *
 * <pre>
 * GET /api/history?range=1h[&amp;jobtype=SendEmail]
 *   {"range":"1h","jobtype":null,"step_seconds":60,
 *    "points":[{"start":"2026-07-01T09:01:00Z","processed":120,"failed":3}, ...]}
 * GET /api/jobtypes?range=1d&amp;sort=p95
 *   {"range":"1d","sort":"p95","jobtypes":[{"jobtype":"SendEmail","processed":1200,"failed":12,
 *    "retried":10,"dead":2,"snoozed":0,"expired":1,"mean_ms":41.7,"p95_ms":180.2}, ...]}
 * </pre>
 *
 * sort: {@code processed} (default), {@code failed}, {@code retried}, {@code dead}, {@code mean},
 * {@code p95} (largest first) or {@code name}. A type without timed runs has null run times. An
 * unknown range or sort is a 400.
 */
public final class HistoryApi {
  private final History history;

  public HistoryApi(History history) {
    this.history = history;
  }

  public void register(RouteTable routes) {
    routes.get("/api/history", this::series);
    routes.get("/api/jobtypes", this::jobTypes);
  }

  private void series(Requests r) throws IOException {
    HistoryRange range = range(r);
    String jobtype = r.query("jobtype", null);
    HistorySeries s = history.series(range, jobtype == null || jobtype.isEmpty() ? null : jobtype);
    ObjectNode body = ConsoleJson.object();
    body.put("range", range.id());
    body.put("jobtype", s.jobtype());
    body.put("step_seconds", s.stepSeconds());
    ArrayNode points = body.putArray("points");
    for (HistoryPoint p : s.points()) {
      ObjectNode o = points.addObject();
      o.put("start", p.start().toString());
      o.put("processed", p.processed());
      o.put("failed", p.failed());
    }
    r.json(200, body);
  }

  private void jobTypes(Requests r) throws IOException {
    HistoryRange range = range(r);
    JobTypeSort sort;
    try {
      sort = JobTypeSort.parse(r.query("sort", null));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    ObjectNode body = ConsoleJson.object();
    body.put("range", range.id());
    body.put("sort", sort.id());
    ArrayNode out = body.putArray("jobtypes");
    for (JobTypeStats s : history.jobTypes(range, sort)) {
      Tally t = s.tally();
      ObjectNode o = out.addObject();
      o.put("jobtype", s.jobtype());
      o.put("processed", t.processed());
      o.put("failed", t.failed());
      o.put("retried", t.retried());
      o.put("dead", t.died());
      o.put("snoozed", t.snoozed());
      o.put("expired", t.expired());
      putMs(o, "mean_ms", t.meanMs());
      putMs(o, "p95_ms", t.p95Ms());
    }
    r.json(200, body);
  }

  private static void putMs(ObjectNode o, String name, double ms) {
    if (Double.isNaN(ms)) {
      o.putNull(name);
    } else {
      o.put(name, Math.round(ms * 10) / 10.0);
    }
  }

  private static HistoryRange range(Requests r) {
    try {
      return HistoryRange.parse(r.query("range", null), HistoryRange.HOUR);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
  }
}
