package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.PriorityContract;
import dev.fabrik.server.storage.Store;
import java.util.Optional;

/** The priority contract; the restart test is skipped (nothing survives a restart). */
class MemoryPriorityTest extends PriorityContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }

  @Override
  protected Optional<Store> reopen() {
    return Optional.empty();
  }
}
