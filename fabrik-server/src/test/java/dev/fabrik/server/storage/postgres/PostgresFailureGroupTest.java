package dev.fabrik.server.storage.postgres;

import dev.fabrik.server.storage.FailureGroupContract;
import dev.fabrik.server.storage.Store;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Failure groups on PostgreSQL, kept by the V9 statement triggers. */
class PostgresFailureGroupTest extends FailureGroupContract {

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgtriage");

  @Override
  protected Store open() {
    return schemas.newStore();
  }
}
