package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.SingleJobsContract;
import dev.fabrik.server.storage.Store;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The single-job contract on PostgreSQL; the other node is a second store (its own pool) on the
 * same schema, so the row locks, not a Java lock, must decide the races.
 */
class PostgresSingleJobsTest extends SingleJobsContract {

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgsingle");

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

  @Override
  protected Optional<Store> otherNode() {
    return Optional.of(schemas.reopen((PostgresStore) store));
  }
}
