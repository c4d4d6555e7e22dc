package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackState;
import dev.fabrik.server.tracking.TrackStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTrackStoreTest extends TrackStoreContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  @Test
  void recordsSurviveARestart() {
    tracks.enqueued("j1", T0).join();
    tracks.progress("j1", 30, "a third", T0.plusSeconds(1), LATER).join();
    store.close();
    store = SqliteStore.open(dir, Durability.PROCESS_CRASH);
    assertThat(store.tracking().get("j1"))
        .contains(
            new TrackRecord("j1", TrackState.ENQUEUED, 30, "a third", T0.plusSeconds(1), null));
  }

  /** The same under strict durability (an fsync per commit). */
  @Nested
  class PowerLoss extends TrackStoreContract {
    @TempDir Path strictDir;

    @Override
    protected Store open() {
      return SqliteStore.open(strictDir, Durability.POWER_LOSS);
    }
  }
}
