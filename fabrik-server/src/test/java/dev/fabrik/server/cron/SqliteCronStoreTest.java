package dev.fabrik.server.cron;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

class SqliteCronStoreTest extends CronStoreContract {
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

  /** The same with an fsync on every commit ({@code durability = "strict"}). */
  @Nested
  class Strict extends CronStoreContract {
    @Override
    protected Store open() {
      return SqliteStore.open(dir.resolve("strict"), Durability.POWER_LOSS);
    }

    @Override
    protected Optional<Store> reopen() {
      store.close();
      return Optional.of(SqliteStore.open(dir.resolve("strict"), Durability.POWER_LOSS));
    }
  }
}
