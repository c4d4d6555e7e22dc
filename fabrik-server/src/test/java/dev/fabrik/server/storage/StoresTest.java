package dev.fabrik.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.storage.postgres.PgDatabase;
import dev.fabrik.server.storage.postgres.PgTestDatabase;
import dev.fabrik.server.storage.postgres.PgUrl;
import dev.fabrik.server.storage.postgres.PostgresStore;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
  @TempDir Path dir;

  @Test
  void opensTheConfiguredStore() {
    try (Store s = Stores.open(ServerConfig.builder().storage("memory").build())) {
      assertThat(s).isInstanceOf(MemoryStore.class);
    }
    try (Store s = Stores.open(ServerConfig.builder().storage("sqlite").dataDir(dir).build())) {
      assertThat(s).isInstanceOf(SqliteStore.class);
      assertThat(dir.resolve("fabrik.db")).exists();
      assertThat(s.sizeOnDisk()).isPositive();
    }
  }

  /** Opens the PostgreSQL store on a fresh schema: the migrations have created its tables. */
  @Test
  void opensPostgresOnItsOwnSchemaAndMigratesIt() throws SQLException {
    PgUrl url = PgTestDatabase.url();
    String schema = PgTestDatabase.newSchema("stores");
    ServerConfig config =
        ServerConfig.builder()
            .storage("postgres")
            .database(new DatabaseConfig(url, schema, 2))
            .build();
    try (PgDatabase admin = PgDatabase.open(url, schema, 1)) {
      try (Store s = Stores.open(config)) {
        assertThat(s).isInstanceOf(PostgresStore.class);
        try (Connection c = admin.connection();
            PreparedStatement q =
                c.prepareStatement(
                    "SELECT count(*) FROM information_schema.tables"
                        + " WHERE table_schema = ? AND table_name = 'jobs'")) {
          q.setString(1, schema);
          try (ResultSet rs = q.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
          }
        }
      } finally {
        PgTestDatabase.drop(admin);
      }
    }
  }
}
