package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreModelContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link SqliteStore} against the memory model (small pages: the file grows and is reused). */
class SqliteModelTest extends StoreModelContract {
  @TempDir Path dir;

  @Override
  protected Store openReal() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH, 4096, 0);
  }
}
