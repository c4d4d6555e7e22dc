package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueLocks;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unique push whose write fails (a full database) takes no lock: the writer's index of locks
 * forgets what the rolled-back transaction claimed, and the table holds nothing of it after a
 * reopen either.
 */
class SqliteUniqueLocksRollbackTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;

  private static QueuedJob big(String jid) {
    byte[] payload = new byte[2000];
    Arrays.fill(payload, (byte) 'x');
    return new QueuedJob(jid, "q", payload);
  }

  private static UniqueClaim claim(String key, String jid) {
    return new UniqueClaim(key, jid, T0.plusSeconds(600));
  }

  @Test
  void aClaimWhoseWriteFailedHoldsNothing() {
    String failedKey;
    try (SqliteStore store = SqliteStore.open(dir, Durability.PROCESS_CRASH, 1 << 20, 64)) {
      UniqueLocks locks = store.uniqueLocks();
      StorageException full = null;
      int i = 0;
      for (; i < 1000 && full == null; i++) {
        try {
          locks.push(List.of(big("j" + i)), List.of(), List.of(claim("k" + i, "j" + i)), T0);
        } catch (StorageException e) {
          full = e;
        }
      }
      assertThat(full).as("the cap was reached").isNotNull();
      failedKey = "k" + (i - 1);
      assertThat(locks.find(failedKey)).isEmpty();
      assertThat(locks.find("k0")).isPresent();
      assertThat(locks.size()).isEqualTo(i - 1);
      assertThat(store.queueSize("q")).isEqualTo(i - 1);

      // Room again: the same claim now wins.
      store.remove(List.of("q"));
      assertThat(
              locks.push(List.of(big("again")), List.of(), List.of(claim(failedKey, "again")), T0))
          .isEmpty();
      assertThat(locks.push(List.of(big("dup")), List.of(), List.of(claim(failedKey, "dup")), T0))
          .containsExactly("dup");
    }
    try (SqliteStore reopened = SqliteStore.open(dir, Durability.PROCESS_CRASH)) {
      assertThat(reopened.uniqueLocks().find(failedKey).orElseThrow().jid()).isEqualTo("again");
      assertThat(reopened.uniqueLocks().find("k0")).isPresent();
    }
  }
}
