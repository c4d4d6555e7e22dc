package dev.fabrik.server.storage.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fresh schemas for store tests, dropped after each test (after the test's own {@code @AfterEach}
 * closed its stores): register with {@code @RegisterExtension}. Opening a store on a new schema
 * runs the migrations, about 100 ms.
 */
public final class PgSchemas implements AfterEachCallback {
  private static final int POOL_SIZE = 8;

  private final String prefix;
  private final List<String> created = new ArrayList<>();

  public PgSchemas(String prefix) {
    this.prefix = prefix;
  }

  /**
   * A store on a schema of its own, migrated and empty; without the LISTEN thread, so its listeners
   * hear exactly this store's own enqueues (see PostgresStore#openWithoutListening).
   */
  public PostgresStore newStore() {
    String schema = PgTestDatabase.newSchema(prefix);
    synchronized (created) {
      created.add(schema);
    }
    return PostgresStore.openWithoutListening(
        PgDatabase.open(PgTestDatabase.url(), schema, POOL_SIZE));
  }

  /**
   * Another store on {@code store}'s schema with a pool of its own: what a restarted (or crashed,
   * or second) server node sees, since everything lives in the database.
   */
  public PostgresStore reopen(PostgresStore store) {
    return PostgresStore.openWithoutListening(
        PgDatabase.open(PgTestDatabase.url(), schemaOf(store), POOL_SIZE));
  }

  /** The schema a store of this fixture works in. */
  public static String schemaOf(PostgresStore store) {
    return store.schema();
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    List<String> schemas;
    synchronized (created) {
      schemas = List.copyOf(created);
      created.clear();
    }
    if (schemas.isEmpty()) {
      return;
    }
    PgDatabase admin = PgDatabase.open(PgTestDatabase.url(), "public", 1);
    try (Connection c = admin.directConnection();
        Statement s = c.createStatement()) {
      for (String schema : schemas) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    } finally {
      admin.close();
    }
  }
}
