package dev.fabrik.server.limits;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresLimitGateTest extends LimitGateContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("limitgate");

  @Override
  protected Store open() {
    return schemas.newStore();
  }
}
