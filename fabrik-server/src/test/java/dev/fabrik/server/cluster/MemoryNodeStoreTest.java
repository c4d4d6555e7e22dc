package dev.fabrik.server.cluster;

class MemoryNodeStoreTest extends NodeStoreContract {
  @Override
  protected NodeStore store() {
    return new MemoryNodeStore();
  }
}
