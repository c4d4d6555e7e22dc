package dev.fabrik.server.unique;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite with {@code synchronous=NORMAL}, and locks across a reopen. */
class SqliteUniqueLocksTest extends UniqueLocksContract {
  @TempDir Path dir;

  protected Durability durability() {
    return Durability.PROCESS_CRASH;
  }

  @Override
  protected Store open() {
    return SqliteStore.open(dir, durability());
  }

  @Test
  void aLockOutlivesAReopenOfTheStore() {
    locks.push(List.of(job("j1")), List.of(), List.of(claim("k", "j1", Duration.ofMinutes(1))), T0);
    store.close();

    store = open();
    locks = store.uniqueLocks();

    assertThat(locks.find("k")).contains(new UniqueLock("k", "j1", T0.plusSeconds(60)));
    assertThat(
            locks.push(
                List.of(job("j2")),
                List.of(),
                List.of(claim("k", "j2", Duration.ofMinutes(1))),
                T0))
        .containsExactly("j2");
  }
}
