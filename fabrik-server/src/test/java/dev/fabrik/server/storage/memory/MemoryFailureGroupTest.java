package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.FailureGroupContract;
import dev.fabrik.server.storage.Store;

class MemoryFailureGroupTest extends FailureGroupContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
