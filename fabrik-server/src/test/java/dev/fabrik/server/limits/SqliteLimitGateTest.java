package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule.Scope;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLimitGateTest extends LimitGateContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  /**
   * The slot is free when the ACK arrives, not when its commit completes: a FETCH behind it needs
   * no wait for the disk (fabrik bench limited-drain showed the slot idle for the ACK's commit).
   */
  @Test
  void anAckFreesTheSlotBeforeItsCommit() {
    f = new LimitFixture(open(), new LimitRule(Scope.QUEUE, "q", 1, 0, null, 0, null, null));
    f.push("a1", "q", "T");
    f.push("a2", "q", "T");
    assertThat(f.fetch("w1", "q")).contains("a1");
    assertThat(f.fetch("w2", "q")).isEmpty();

    CompletableFuture<Void> acked = f.manager.ackAsync(LimitFixture.PREFIX + "a1");
    // No waiting on the commit: the slot went back on this thread, before the write was queued.
    assertThat(f.store.limits().inFlight(f.clock.instant())).isEmpty();
    assertThat(f.fetch("w2", "q")).contains("a2");
    acked.join();
    assertThat(f.store.limits().inFlight(f.clock.instant())).containsEntry("queue:q", 1);
  }
}
