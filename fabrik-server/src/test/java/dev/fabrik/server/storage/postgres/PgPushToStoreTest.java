package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.storage.Reservation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job enqueued by {@code {s}.push(jsonb)} on an application's connection is the server's job once
 * committed: PostgresStore reserves it with the payload the function wrote and counts it; a
 * rolled-back one is never there.
 */
class PgPushToStoreTest {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgtx_store");

  private PostgresStore store;
  private PgDatabase app;

  @BeforeEach
  void open() {
    store = schemas.newStore();
    // The application's own pool on the same database and schema: not the store's connections.
    app = PgDatabase.open(PgTestDatabase.url(), PgSchemas.schemaOf(store), 2);
  }

  @AfterEach
  void close() {
    app.close();
    store.close();
  }

  @Test
  void aCommittedJobIsReservedByTheStoreAndARolledBackOneNever() throws SQLException {
    try (Connection c = app.connection()) {
      c.setAutoCommit(false);
      PgPushFunctionTest.push(
          app, c, "{\"jid\":\"jid-rolled-back\",\"jobtype\":\"A\",\"args\":[],\"queue\":\"tx\"}");
      c.rollback();
      PgPushFunctionTest.push(
          app, c, "{\"jid\":\"jid-committed\",\"jobtype\":\"A\",\"args\":[7],\"queue\":\"tx\"}");
      c.commit();
      c.setAutoCommit(true);
    }

    assertThat(store.queueSizes()).containsEntry("tx", 1L);
    Instant now = Instant.now();
    Optional<Reservation> r = store.reserve(List.of("tx"), "w1", now, p -> now.plusSeconds(60));
    assertThat(r).isPresent();
    assertThat(r.get().jid()).isEqualTo("jid-committed");
    assertThat(JobCodec.decode(r.get().payload()).args().toString()).isEqualTo("[7]");
    assertThat(store.reserve(List.of("tx"), "w1", now, p -> now.plusSeconds(60))).isEmpty();
    assertThat(store.acknowledge("jid-committed")).isPresent();
    assertThat(store.queueSizes()).containsEntry("tx", 0L);
  }
}
