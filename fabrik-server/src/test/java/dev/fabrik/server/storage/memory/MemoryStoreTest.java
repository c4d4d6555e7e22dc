package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreContract;

class MemoryStoreTest extends StoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
