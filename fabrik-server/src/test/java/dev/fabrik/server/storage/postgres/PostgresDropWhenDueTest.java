package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.DropWhenDueContract;
import dev.fabrik.server.storage.Store;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Jobs expiring in their sets, on PostgreSQL; a restart is a new pool on the same schema. */
class PostgresDropWhenDueTest extends DropWhenDueContract {

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgdrop");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Override
  protected Store reopen(Store closing) {
    closing.close();
    return schemas.reopen((PostgresStore) closing);
  }
}
