package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.SingleJobsContract;
import dev.fabrik.server.storage.Store;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The single-job contract; a restart reopens the same folder (the queues rebuilt from row ids). */
class SqliteSingleJobsTest extends SingleJobsContract {

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
}
