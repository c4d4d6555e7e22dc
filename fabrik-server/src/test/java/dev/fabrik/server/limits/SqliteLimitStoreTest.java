package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLimitStoreTest extends LimitStoreContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  /** Rules survive a restart; slots do not (no reservation does on this store). */
  @Test
  void rulesSurviveARestartAndSlotsGoWithTheReservations() {
    LimitRule rule = new LimitRule(LimitRule.Scope.QUEUE, "q", 1, 0, null, 0, null, null);
    limits.saveRule(rule);
    limits.acquire(
        "j1", "w", List.of(new LimitStore.SlotClaim("queue:q", 1, LATER)), List.of(), T0);
    store.close();

    store = SqliteStore.open(dir, Durability.PROCESS_CRASH);

    assertThat(store.limits().savedRules()).containsExactly(rule);
    assertThat(store.limits().inFlight(T0)).isEmpty();
  }
}
