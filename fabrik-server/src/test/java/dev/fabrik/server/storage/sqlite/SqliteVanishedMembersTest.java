package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.batch.VanishedMembersContract;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteVanishedMembersTest extends VanishedMembersContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }
}
