package dev.fabrik.server.unique;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;

class MemoryUniqueLocksTest extends UniqueLocksContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
