package dev.fabrik.server.cluster;

import java.time.Instant;
import java.util.List;

/**
 * The nodes sharing one store. Each node upserts its own row every few seconds; any node may delete
 * rows silent for long (the delete is one statement, so nodes doing it at once agree). Every
 * implementation passes {@code NodeStoreContract}.
 */
public interface NodeStore {

  /** Inserts the node or replaces its row (a refresh after the row was deleted re-creates it). */
  void upsert(NodeInfo node);

  /** Every node, the oldest start first. */
  List<NodeInfo> nodes();

  /** Deletes nodes whose last refresh is strictly before {@code cutoff}; returns how many. */
  int deleteSilentSince(Instant cutoff);

  /** Deletes one node (a clean stop); false when it had no row. */
  boolean delete(String id);
}
