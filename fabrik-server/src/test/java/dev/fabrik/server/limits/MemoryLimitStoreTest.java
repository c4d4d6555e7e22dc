package dev.fabrik.server.limits;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;

class MemoryLimitStoreTest extends LimitStoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
