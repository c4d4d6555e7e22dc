package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreContract;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The storage contract on PostgreSQL, each test on a schema of its own. */
class PostgresStoreTest extends StoreContract {

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgstore");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  /**
   * The database outlives a crash of the server process, so what a crash leaves is the schema as
   * committed: a new store (a new pool) on it is the image. It is opened when the test asks, which
   * is later than the crash instant; the tests only read what the answered writes committed.
   */
  @Override
  protected Optional<CrashImage> crashImage() {
    PostgresStore current = (PostgresStore) store;
    return Optional.of(() -> schemas.reopen(current));
  }
}
