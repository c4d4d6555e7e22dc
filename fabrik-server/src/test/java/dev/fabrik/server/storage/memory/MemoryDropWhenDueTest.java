package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.DropWhenDueContract;
import dev.fabrik.server.storage.Store;

class MemoryDropWhenDueTest extends DropWhenDueContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }

  /** Nothing survives a close: the same instance stands for "after a restart". */
  @Override
  protected Store reopen(Store closing) {
    return closing;
  }
}
