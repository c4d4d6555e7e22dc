package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreContract;

/** The contract; its crash tests are skipped (a crash leaves nothing, so it undoes no answer). */
class MemoryStoreTest extends StoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
