package dev.fabrik.server.cluster;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The node list as INFO ({@code server.nodes}) and {@code GET /api/nodes} show it:
 *
 * <pre>
 * [{"id":"3f9c0a1b2c4d","hostname":"app-1","pid":4242,"version":"0.1.0",
 *   "bindings":["tcp://0.0.0.0:7419","http://0.0.0.0:7420"],"connections":12,
 *   "started_at":"2026-12-05T21:00:00Z","last_seen":"2026-12-05T21:30:05Z","state":"live","self":true}]
 * </pre>
 *
 * {@code state} is {@code live} or {@code gone} (silent past the TTL: crashed or cut off).
 */
public final class NodesJson {
  private NodesJson() {}

  public static ArrayNode array(List<NodeRegistry.NodeStatus> nodes) {
    ArrayNode out = JobCodec.MAPPER.createArrayNode();
    for (NodeRegistry.NodeStatus s : nodes) {
      NodeInfo n = s.node();
      ObjectNode o = out.addObject();
      o.put("id", n.id());
      o.put("hostname", n.hostname());
      o.put("pid", Math.max(0, n.pid()));
      o.put("version", n.version());
      ArrayNode b = o.putArray("bindings");
      n.bindings().forEach(b::add);
      o.put("connections", Math.max(0, n.connections()));
      o.put("started_at", Timestamps.format(n.startedAt()));
      o.put("last_seen", Timestamps.format(n.lastSeen()));
      o.put("state", s.live() ? "live" : "gone");
      o.put("self", s.self());
    }
    return out;
  }

  /** Handshaken connections on the live nodes, this one included. */
  public static long liveConnections(List<NodeRegistry.NodeStatus> nodes) {
    long sum = 0;
    for (NodeRegistry.NodeStatus s : nodes) {
      if (s.live()) {
        sum += Math.max(0, s.node().connections());
      }
    }
    return sum;
  }
}
