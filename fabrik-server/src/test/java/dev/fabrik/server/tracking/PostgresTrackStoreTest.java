package dev.fabrik.server.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL, and a record written through one node read through another. */
class PostgresTrackStoreTest extends TrackStoreContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("track");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Test
  void aRecordWrittenThroughOneNodeIsReadThroughAnother() {
    try (PostgresStore other = schemas.reopen((PostgresStore) store)) {
      tracks.enqueued("j1", T0).join();
      other.tracking().moved("j1", TrackState.WORKING, T0.plusSeconds(1), null).join();
      tracks.progress("j1", 50, "half", T0.plusSeconds(2), LATER).join();

      assertThat(other.tracking().get("j1"))
          .contains(new TrackRecord("j1", TrackState.WORKING, 50, "half", T0.plusSeconds(2), null));
    }
  }
}
