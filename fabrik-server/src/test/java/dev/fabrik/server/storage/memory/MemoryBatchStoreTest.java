package dev.fabrik.server.storage.memory;

import dev.fabrik.server.batch.BatchStoreContract;
import dev.fabrik.server.storage.Store;

class MemoryBatchStoreTest extends BatchStoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
