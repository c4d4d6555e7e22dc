package dev.fabrik.server.cluster;

/**
 * What a store shares between the server nodes that use it: the node table and the cluster-wide
 * worker records. A store only one process can open answers {@link #singleNode()}.
 */
public record ClusterStore(NodeStore nodes, SharedWorkers workers) {

  /** Just this node: a node table in memory, workers known only to this process. */
  public static ClusterStore singleNode() {
    return new ClusterStore(new MemoryNodeStore(), SharedWorkers.NONE);
  }
}
