package dev.fabrik.server.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The node table of a store only one process uses (memory, SQLite): just this node. */
public final class MemoryNodeStore implements NodeStore {
  private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();

  @Override
  public void upsert(NodeInfo node) {
    nodes.put(node.id(), node);
  }

  @Override
  public List<NodeInfo> nodes() {
    List<NodeInfo> out = new ArrayList<>(nodes.values());
    out.sort(Comparator.comparing(NodeInfo::startedAt).thenComparing(NodeInfo::id));
    return out;
  }

  @Override
  public int deleteSilentSince(Instant cutoff) {
    int before = nodes.size();
    nodes.values().removeIf(n -> n.lastSeen().isBefore(cutoff));
    return before - nodes.size();
  }

  @Override
  public boolean delete(String id) {
    return nodes.remove(id) != null;
  }
}
