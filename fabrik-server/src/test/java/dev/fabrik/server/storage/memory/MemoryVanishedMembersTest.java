package dev.fabrik.server.storage.memory;

import dev.fabrik.server.batch.VanishedMembersContract;
import dev.fabrik.server.storage.Store;

class MemoryVanishedMembersTest extends VanishedMembersContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
