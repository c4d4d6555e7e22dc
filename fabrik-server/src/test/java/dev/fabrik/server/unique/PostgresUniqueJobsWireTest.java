package dev.fabrik.server.unique;

import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Unique jobs over the wire against a real server on PostgreSQL, in a schema of its own. */
class PostgresUniqueJobsWireTest extends UniqueJobsWireTest {
  private PgDatabase schema;

  /** Dropped once the server has stopped (extensions run after the test's {@code @AfterEach}). */
  @RegisterExtension
  final AfterEachCallback dropSchema =
      context -> {
        if (schema != null) {
          PgTestDatabase.drop(schema);
          schema.close();
        }
      };

  @Override
  ServerConfig.Builder config(Path dir) {
    schema = PgTestDatabase.migrated("unique_wire", 1);
    return TestServers.config()
        .storage("postgres")
        .database(new DatabaseConfig(PgTestDatabase.url(), schema.schema(), 4));
  }
}
