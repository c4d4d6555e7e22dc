package dev.fabrik.server.storage.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * Server nodes on one schema of a {@link PgSchemas}: the first node opens a fresh schema, each
 * further one shares it with a pool of its own; {@link #close} closes them all (call it from the
 * test's {@code @AfterEach}, before the extension drops the schema).
 */
final class PgStoreNodes implements AutoCloseable {
  private final PgSchemas schemas;
  private final List<PostgresStore> stores = new ArrayList<>();

  PgStoreNodes(PgSchemas schemas) {
    this.schemas = schemas;
  }

  /** One more node on the shared schema. */
  PostgresStore node() {
    PostgresStore s = stores.isEmpty() ? schemas.newStore() : schemas.reopen(stores.getFirst());
    stores.add(s);
    return s;
  }

  @Override
  public void close() {
    stores.forEach(PostgresStore::close);
    stores.clear();
  }
}
