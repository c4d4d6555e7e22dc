package dev.fabrik.server.web.api;

import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.batch.BatchStore;
import dev.fabrik.server.batch.MemberState;
import dev.fabrik.server.web.HttpError;
import dev.fabrik.server.web.RouteTable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Batches, read from the store (so every node answers alike):
 *
 * <pre>
 * GET /api/batches?limit=50  {"batches":[BATCH...]}   newest first
 * GET /api/batches/{bid}     BATCH + {"pending_jids":[..],"failed_jids":[..]}   (at most 100 each)
 *
 * BATCH = {"bid":"b-..","parent_bid":"b-..","description":"..","created_at":"..",
 *          "state":"open|committed|completed","total":10,"pending":2,"failed":1,"succeeded":7,
 *          "complete_st":"","success_st":"","completed_at":".."}
 * </pre>
 */
public final class BatchesApi {
  /** The most member jids of one kind a batch's detail lists. */
  public static final int MEMBER_LIMIT = 100;

  private final BatchStore store;

  public BatchesApi(BatchStore store) {
    this.store = store;
  }

  public void register(RouteTable routes) {
    routes.get(
        "/api/batches",
        r -> {
          ArrayNode list = ConsoleJson.object().putArray("batches");
          for (BatchRecord b : store.list(null, r.queryInt("limit", 50, 1, 1000))) {
            list.add(json(b));
          }
          ObjectNode body = ConsoleJson.object();
          body.set("batches", list);
          r.json(200, body);
        });
    routes.get(
        "/api/batches/{bid}",
        r -> {
          String bid = r.param("bid");
          BatchRecord b = store.get(bid).orElseThrow(() -> HttpError.notFound("no batch " + bid));
          ObjectNode body = json(b);
          ArrayNode pending = body.putArray("pending_jids");
          store.members(bid, MemberState.PENDING, MEMBER_LIMIT).forEach(pending::add);
          ArrayNode failed = body.putArray("failed_jids");
          store.members(bid, MemberState.FAILED, MEMBER_LIMIT).forEach(failed::add);
          r.json(200, body);
        });
  }

  /** open / committed / completed, as the Batches page shows it. */
  public static String state(BatchRecord b) {
    if (b.open()) {
      return "open";
    }
    return b.completeSt().equals(BatchRecord.DONE) ? "completed" : "committed";
  }

  static ObjectNode json(BatchRecord b) {
    ObjectNode o = ConsoleJson.object();
    o.put("bid", b.bid());
    if (b.parentBid() != null) {
      o.put("parent_bid", b.parentBid());
    }
    if (b.description() != null) {
      o.put("description", b.description());
    }
    o.put("created_at", Timestamps.format(b.createdAt()));
    o.put("state", state(b));
    o.put("total", b.total());
    o.put("pending", b.pending());
    o.put("failed", b.failed());
    o.put("succeeded", b.succeeded());
    o.put("complete_st", b.completeSt());
    o.put("success_st", b.successSt());
    if (b.completedAt() != null) {
      o.put("completed_at", Timestamps.format(b.completedAt()));
    }
    return o;
  }
}
