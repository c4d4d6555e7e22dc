package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.SingleJobsContract;
import dev.fabrik.server.storage.Store;
import java.util.Optional;

/** The single-job contract; the restart test is skipped (nothing survives a restart). */
class MemorySingleJobsTest extends SingleJobsContract {
  @Override
  protected Store open() {
    return new MemoryStore();
  }

  @Override
  protected Optional<Store> reopen() {
    return Optional.empty();
  }
}
