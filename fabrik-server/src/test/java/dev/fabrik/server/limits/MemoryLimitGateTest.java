package dev.fabrik.server.limits;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;

class MemoryLimitGateTest extends LimitGateContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
