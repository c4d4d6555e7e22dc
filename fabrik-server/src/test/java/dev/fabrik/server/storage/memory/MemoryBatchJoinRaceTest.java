package dev.fabrik.server.storage.memory;

import dev.fabrik.server.batch.BatchJoinRaceContract;
import dev.fabrik.server.storage.Store;

class MemoryBatchJoinRaceTest extends BatchJoinRaceContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
