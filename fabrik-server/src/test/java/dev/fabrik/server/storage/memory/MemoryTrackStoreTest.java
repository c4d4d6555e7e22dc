package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.tracking.TrackStoreContract;

class MemoryTrackStoreTest extends TrackStoreContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
