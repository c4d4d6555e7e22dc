package dev.fabrik.server.web.ui;

import dev.fabrik.server.history.History;
import dev.fabrik.server.history.HistoryRange;
import dev.fabrik.server.history.JobTypeSort;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;

/**
 * The Job types page: processed, failed, retried, dead, mean and p95 run time of every job type
 * over the chosen window, sortable by each column; a type links to its retries and dead jobs.
 *
 * <pre>
 * GET /jobtypes?range=1h|1d|7d|90d&amp;sort=name|processed|failed|retried|dead|mean|p95
 * </pre>
 */
final class JobTypesPages {
  private final History history;
  private final Pages pages;

  JobTypesPages(History history, Pages pages) {
    this.history = history;
    this.pages = pages;
  }

  void register(RouteTable routes) {
    routes.get("/jobtypes", this::list);
  }

  private void list(Requests r) throws IOException {
    HistoryRange range;
    JobTypeSort sort;
    try {
      range = HistoryRange.parse(r.query("range", null), HistoryRange.DAY);
      sort = JobTypeSort.parse(r.query("sort", null));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    pages.show(
        r,
        "jobtypes.jte",
        new JobTypesPage(
            pages.chrome(r, "Job types", Nav.JOB_TYPES),
            range,
            sort,
            history.jobTypes(range, sort)));
  }
}
