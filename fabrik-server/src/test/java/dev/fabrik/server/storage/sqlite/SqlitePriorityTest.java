package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.PriorityContract;
import dev.fabrik.server.storage.Store;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The priority contract under both durabilities; a restart reopens the same folder. */
class SqlitePriorityTest extends PriorityContract {

  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  @Override
  protected Optional<Store> reopen() {
    store.close();
    return Optional.of(SqliteStore.open(dir, Durability.PROCESS_CRASH));
  }

  @Nested
  class PowerLoss extends PriorityContract {
    @Override
    protected Store open() {
      return SqliteStore.open(dir.resolve("full"), Durability.POWER_LOSS);
    }

    @Override
    protected Optional<Store> reopen() {
      store.close();
      return Optional.of(SqliteStore.open(dir.resolve("full"), Durability.POWER_LOSS));
    }
  }
}
