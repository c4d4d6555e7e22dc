package dev.fabrik.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobStatsStoreTest extends JobStatsStoreContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  @Test
  void historySurvivesARestartAndAFlush() {
    stats.add(List.of(minute(T0, "A", tally(7, 2))));
    store.flush();
    store.close();

    store = SqliteStore.open(dir, Durability.PROCESS_CRASH);

    assertThat(store.history().byType(Grain.MINUTE, T0, T0 + 60).get("A")).isEqualTo(tally(7, 2));
  }
}
