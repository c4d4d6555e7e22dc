package dev.fabrik.server.web.api;

import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.cluster.NodesJson;
import dev.fabrik.server.web.RouteTable;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server nodes sharing this node's store (one, unless several run on one PostgreSQL):
 *
 * <pre>
 * GET /api/nodes   {"nodes":[NODE...],"live":2,"gone":0,"connections":24}
 * </pre>
 *
 * NODE as in {@link NodesJson}; {@code connections} sums the live nodes' connections.
 */
public final class NodesApi {
  private final Supplier<List<NodeRegistry.NodeStatus>> nodes;

  public NodesApi(Supplier<List<NodeRegistry.NodeStatus>> nodes) {
    this.nodes = nodes;
  }

  public void register(RouteTable routes) {
    routes.get(
        "/api/nodes",
        r -> {
          List<NodeRegistry.NodeStatus> all = nodes.get();
          long live = all.stream().filter(NodeRegistry.NodeStatus::live).count();
          ObjectNode body = ConsoleJson.object();
          body.set("nodes", NodesJson.array(all));
          body.put("live", live);
          body.put("gone", all.size() - live);
          body.put("connections", NodesJson.liveConnections(all));
          r.json(200, body);
        });
  }
}
