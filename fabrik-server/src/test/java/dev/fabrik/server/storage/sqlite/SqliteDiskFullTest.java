package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.StorageException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLITE_FULL (a database capped by {@code max_page_count}) stands in for a full disk. */
class SqliteDiskFullTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private static QueuedJob big(String jid) {
    byte[] payload = new byte[2000];
    Arrays.fill(payload, (byte) 'x');
    return new QueuedJob(jid, "q", payload);
  }

  @Test
  void aFullDatabaseFailsTheWriteAndKeepsEverythingElse() {
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH, 1 << 20, 64)) {
      List<String> stored = new ArrayList<>();
      StorageException full = null;
      for (int i = 0; i < 1000 && full == null; i++) {
        try {
          store.enqueue(List.of(big("j" + i)));
          stored.add("j" + i);
        } catch (StorageException e) {
          full = e;
        }
      }
      assertThat(full).as("the cap was reached").isNotNull();
      assertThat(stored).isNotEmpty();
      assertThat(store.queueSize("q")).isEqualTo(stored.size());
      // a batch that does not fit is stored not at all
      assertThatThrownBy(() -> store.enqueue(List.of(big("x1"), big("x2"))))
          .isInstanceOf(StorageException.class);
      assertThat(store.queueSize("q")).isEqualTo(stored.size());

      // committed jobs are intact, fetchable and ackable; acks free room
      List<String> fetched = new ArrayList<>();
      for (int i = 0; i < stored.size(); i++) {
        Reservation r =
            store.reserve(List.of("q"), "w", T0, payload -> T0.plusSeconds(60)).orElseThrow();
        assertThat(r.payload()).hasSize(2000);
        fetched.add(r.jid());
        assertThat(store.acknowledge(r.jid())).isPresent();
      }
      assertThat(fetched).isEqualTo(stored);
      assertThat(store.counters().processed()).isEqualTo(stored.size());

      store.enqueue(List.of(big("after")));
      assertThat(store.reserve(List.of("q"), "w", T0, payload -> T0.plusSeconds(60)))
          .map(Reservation::jid)
          .contains("after");
    }
  }
}
