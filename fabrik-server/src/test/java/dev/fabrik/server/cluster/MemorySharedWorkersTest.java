package dev.fabrik.server.cluster;

class MemorySharedWorkersTest extends SharedWorkersContract {
  @Override
  protected SharedWorkers shared() {
    return new MemorySharedWorkers();
  }
}
