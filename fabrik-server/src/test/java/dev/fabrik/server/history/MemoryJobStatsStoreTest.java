package dev.fabrik.server.history;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;

class MemoryJobStatsStoreTest extends JobStatsStoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
