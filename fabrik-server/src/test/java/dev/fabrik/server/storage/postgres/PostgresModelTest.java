package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.StoreModelContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PostgresStore} against the memory model, queue sizes from the kept counts included. Set
 * entries are compared without their sequence numbers, which the table's identity column assigns.
 */
class PostgresModelTest extends StoreModelContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgmodel");

  @Override
  protected Store openReal() {
    return schemas.newStore();
  }

  @Override
  protected boolean sameSequences() {
    return false;
  }
}
