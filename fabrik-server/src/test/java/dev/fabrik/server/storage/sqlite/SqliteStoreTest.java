package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {

  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  /** The same contract with fsync on every commit. */
  @Nested
  class PowerLoss extends StoreContract {
    @Override
    protected Store open() {
      return SqliteStore.open(dir.resolve("full"), Durability.POWER_LOSS);
    }
  }
}
