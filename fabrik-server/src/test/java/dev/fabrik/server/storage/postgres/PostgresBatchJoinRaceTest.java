package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.batch.BatchJoinRaceContract;
import dev.fabrik.server.storage.Store;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresBatchJoinRaceTest extends BatchJoinRaceContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgjoinrace");

  @Override
  protected Store open() {
    return schemas.newStore();
  }
}
