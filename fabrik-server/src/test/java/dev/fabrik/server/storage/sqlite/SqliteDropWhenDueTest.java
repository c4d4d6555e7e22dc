package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.DropWhenDueContract;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

class SqliteDropWhenDueTest extends DropWhenDueContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  @Override
  protected Store reopen(Store closing) {
    closing.close();
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  /** The same under {@code durability = "power_loss"} (synchronous=FULL). */
  @Nested
  class Strict extends DropWhenDueContract {
    @Override
    protected Store open() {
      return SqliteStore.open(dir.resolve("strict"), Durability.POWER_LOSS);
    }

    @Override
    protected Store reopen(Store closing) {
      closing.close();
      return SqliteStore.open(dir.resolve("strict"), Durability.POWER_LOSS);
    }
  }
}
