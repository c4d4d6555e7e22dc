package dev.fabrik.server.storage.memory;

import dev.fabrik.server.fate.JobFatesContract;
import dev.fabrik.server.storage.Store;

class MemoryJobFatesTest extends JobFatesContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }
}
