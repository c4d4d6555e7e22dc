package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.fate.JobFatesContract;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Store;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobFatesTest extends JobFatesContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  @Test
  void aFateSurvivesARestart() {
    store.enqueue(List.of(new QueuedJob("j1", "q", "{\"jid\":\"j1\"}".getBytes())));
    assertThat(store.reserve(List.of("q"), "w1", T0, p -> T0.plusSeconds(60))).isPresent();
    store.fail("j1", r -> new FailureDecision.Discard(T0));
    store.close();
    store = SqliteStore.open(dir, Durability.PROCESS_CRASH);
    assertThat(store.fates().discardedAt("j1")).contains(T0);
  }
}
