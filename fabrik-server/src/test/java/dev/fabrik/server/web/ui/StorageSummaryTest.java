package dev.fabrik.server.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.config.DatabaseConfig;
import dev.fabrik.server.storage.postgres.PgUrl;
import org.junit.jupiter.api.Test;

class StorageSummaryTest {

  @Test
  void postgresShowsHostDatabaseAndSchemaButNoCredentials() {
    DatabaseConfig db =
        new DatabaseConfig(
            PgUrl.parse(
                "postgres://fabrik:hunter2@db.internal:5432/jobs?sslmode=require&password=hunter2"),
            "fabrik",
            8);
    String shown = StorageSummary.postgres(db);
    assertThat(shown).isEqualTo("db.internal:5432/jobs, schema fabrik");
    assertThat(shown).doesNotContain("hunter2").doesNotContain("fabrik:");
  }
}
