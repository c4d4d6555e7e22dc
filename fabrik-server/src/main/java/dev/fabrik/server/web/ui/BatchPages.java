package dev.fabrik.server.web.ui;

import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.batch.BatchStore;
import dev.fabrik.server.batch.MemberState;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.Requests;
import dev.fabrik.server.web.RouteTable;
import dev.fabrik.server.web.api.BatchesApi;
import java.io.IOException;

/**
 * The Batches page (newest 100 with a progress bar each) and one batch's page (counts, callback
 * states, pending and failed members), read from the store:
 *
 * <pre>
 * GET /batches
 * GET /batches/{bid}
 * </pre>
 */
public final class BatchPages {
  private static final int LIST_SIZE = 100;

  private final BatchStore store;
  private final Pages pages = new Pages(new Assets());

  public BatchPages(BatchStore store) {
    this.store = store;
  }

  public void register(RouteTable routes) {
    routes.get("/batches", this::list);
    routes.get("/batches/{bid}", this::one);
  }

  private void list(Requests r) throws IOException {
    pages.show(
        r,
        "batches.jte",
        new BatchesPage(pages.chrome(r, "Batches", Nav.BATCHES), store.list(null, LIST_SIZE)));
  }

  private void one(Requests r) throws IOException {
    String bid = r.param("bid");
    BatchRecord b = store.get(bid).orElseThrow(() -> HttpError.notFound("no batch " + bid));
    int limit = BatchesApi.MEMBER_LIMIT;
    pages.show(
        r,
        "batch.jte",
        new BatchPage(
            pages.chrome(r, "Batch " + bid, Nav.BATCHES),
            b,
            store.members(bid, MemberState.PENDING, limit),
            store.members(bid, MemberState.FAILED, limit),
            limit));
  }
}
