package dev.fabrik.server.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.fate.JobFatesContract;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Store;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL, and a fate one node recorded read by another. */
class PostgresJobFatesTest extends JobFatesContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("fates");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Test
  void anotherNodeReadsTheFate() {
    try (PostgresStore other = schemas.reopen((PostgresStore) store)) {
      store.enqueue(List.of(new QueuedJob("j1", "q", "{\"jid\":\"j1\"}".getBytes())));
      assertThat(store.reserve(List.of("q"), "w1", T0, p -> T0.plusSeconds(60))).isPresent();
      store.fail("j1", r -> new FailureDecision.Discard(T0));
      assertThat(other.fates().discardedAt("j1")).contains(T0);
    }
  }
}
