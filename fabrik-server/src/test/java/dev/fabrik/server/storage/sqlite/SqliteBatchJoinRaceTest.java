package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.batch.BatchJoinRaceContract;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteBatchJoinRaceTest extends BatchJoinRaceContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }
}
