package dev.fabrik.server.web.ui;

import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.triage.FailureGroup;
import dev.fabrik.server.triage.FailureGroupStore;
import dev.fabrik.server.triage.FailureListing;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import java.io.IOException;
import java.time.Clock;

/**
 * The Failures (triage) page. A group's jobs are the Retries or Dead page filtered by {@code fp}
 * ({@code /dead?fp=3f9a0c2e71b4d856}), whose "all" buttons retry, delete or kill the whole group.
 *
 * <pre>
 * GET /failures?set=dead|retries&amp;sort=count|last_seen
 * </pre>
 */
public final class FailurePages {
  static final int SHOWN = 200;

  private final FailureGroupStore groups;
  private final Clock clock;
  private final Pages pages = new Pages(new Assets());

  public FailurePages(FailureGroupStore groups, Clock clock) {
    this.groups = groups;
    this.clock = clock;
  }

  public void register(RouteTable routes) {
    routes.get("/failures", this::list);
  }

  private void list(Requests r) throws IOException {
    SetName set;
    FailureGroup.Order order;
    try {
      set = FailureListing.setNamed(r.query("set", null));
      order = FailureGroup.Order.parse(r.query("sort", null));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    pages.show(
        r,
        "failures.jte",
        new FailuresPage(
            pages.chrome(r, "Failures", Nav.FAILURES),
            FailureListing.of(groups, set, order, SHOWN),
            clock.instant()));
  }
}
