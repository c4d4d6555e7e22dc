package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.StorageException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PgMigrationsTest {

  @Test
  void aFreshSchemaIsMigratedOnceAndThenLeftAlone() throws Exception {
    try (PgDatabase db =
        PgDatabase.open(PgTestDatabase.url(), PgTestDatabase.newSchema("mig"), 2)) {
      assertThat(PgMigrations.run(db)).isEqualTo(PgMigrations.latest());
      assertThat(PgMigrations.run(db)).isZero();
      assertThat(versions(db)).hasSize(PgMigrations.latest());
      PgTestDatabase.drop(db);
    }
  }

  @Test
  void nodesStartingTogetherMigrateExactlyOnce() throws Exception {
    String schema = PgTestDatabase.newSchema("mig");
    int nodes = 4;
    List<PgDatabase> dbs = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      dbs.add(PgDatabase.open(PgTestDatabase.url(), schema, 2));
    }
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      List<Future<Integer>> runs = new ArrayList<>();
      for (PgDatabase db : dbs) {
        runs.add(pool.submit((Callable<Integer>) () -> PgMigrations.run(db)));
      }
      int total = 0;
      for (Future<Integer> f : runs) {
        total += f.get();
      }
      assertThat(total).isEqualTo(PgMigrations.latest());
      assertThat(versions(dbs.get(0))).hasSize(PgMigrations.latest());
      PgTestDatabase.drop(dbs.get(0));
    } finally {
      pool.shutdownNow();
      dbs.forEach(PgDatabase::close);
    }
  }

  @Test
  void aSchemaFromANewerFabrikIsRefusedUntouched() throws Exception {
    try (PgDatabase db = PgTestDatabase.migrated("mig", 2)) {
      int newer = PgMigrations.latest() + 1;
      try (Connection c = db.connection();
          Statement s = c.createStatement()) {
        s.execute(
            db.sql("INSERT INTO {s}.schema_migrations(version, name) VALUES (" + newer + ", 'x')"));
      }
      assertThatThrownBy(() -> PgMigrations.run(db))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("version " + newer)
          .hasMessageContaining("newer Fabrik");
      assertThat(versions(db)).hasSize(newer);
      PgTestDatabase.drop(db);
    }
  }

  @Test
  void aBadSchemaNameIsRefusedBeforeAnyConnection() {
    assertThatThrownBy(() -> PgDatabase.open(PgTestDatabase.url(), "Robert'); DROP", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema name");
  }

  private static List<Integer> versions(PgDatabase db) throws SQLException {
    List<Integer> out = new ArrayList<>();
    try (Connection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(db.sql("SELECT version FROM {s}.schema_migrations ORDER BY version"))) {
      while (rs.next()) {
        out.add(rs.getInt(1));
      }
    }
    return out;
  }
}
