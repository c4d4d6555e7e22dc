package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.PriorityContract;
import dev.fabrik.server.storage.Store;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The priority contract on PostgreSQL; a restart is a new pool on the same schema. */
class PostgresPriorityTest extends PriorityContract {

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgprio");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Override
  protected Optional<Store> reopen() {
    PostgresStore current = (PostgresStore) store;
    current.close();
    return Optional.of(schemas.reopen(current));
  }

  /** Reservations are rows of the shared database: a node's restart does not end them. */
  @Override
  protected boolean reservationsEndWithARestart() {
    return false;
  }
}
