package dev.fabrik.server.cron;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;

class MemoryCronStoreTest extends CronStoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
