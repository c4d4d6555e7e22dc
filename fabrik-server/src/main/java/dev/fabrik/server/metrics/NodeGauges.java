package dev.fabrik.server.metrics;

import dev.fabrik.server.cluster.NodeRegistry;
import dev.fabrik.server.cluster.NodesJson;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * The cluster's nodes, read at scrape time:
 *
 * <pre>
 * fabrik_nodes{state="live"} 3.0
 * fabrik_nodes{state="gone"} 0.0
 * fabrik_cluster_connections 57.0
 * </pre>
 */
final class NodeGauges {
  private NodeGauges() {}

  static void register(PrometheusRegistry registry, Supplier<List<NodeRegistry.NodeStatus>> nodes) {
    GaugeWithCallback.builder()
        .name("fabrik_nodes")
        .help("Server nodes sharing this store: live, or gone (silent past the node TTL)")
        .labelNames("state")
        .callback(
            cb -> {
              List<NodeRegistry.NodeStatus> all = nodes.get();
              long live = all.stream().filter(NodeRegistry.NodeStatus::live).count();
              cb.call(live, "live");
              cb.call(all.size() - live, "gone");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("fabrik_cluster_connections")
        .help("Client connections open on all live nodes (as of each node's last refresh)")
        .callback(cb -> cb.call(NodesJson.liveConnections(nodes.get())))
        .register(registry);
  }
}
