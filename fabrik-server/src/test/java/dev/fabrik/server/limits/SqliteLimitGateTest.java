package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule.Scope;
import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.sqlite.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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

  /**
   * The early release must not outlive a failed commit: the job is still reserved, so it takes its
   * slot back, and FETCH hands nothing more out until the count is under the limit again. A FETCH
   * sent while the ACK is in flight takes the early-freed slot only if it runs before the commit
   * fails (a race this test does not control), so the counts below follow what it got.
   */
  @Test
  void anAckWhoseCommitFailsTakesItsSlotBack() throws SQLException {
    f = new LimitFixture(open(), new LimitRule(Scope.QUEUE, "q", 1, 0, null, 0, null, null));
    f.push("a1", "q", "T");
    f.push("a2", "q", "T");
    f.push("a3", "q", "T");
    assertThat(f.fetch("w1", "q")).contains("a1");

    refuseDeletes(true);
    CompletableFuture<Void> acked = f.manager.ackAsync(LimitFixture.PREFIX + "a1");
    boolean tookEarlySlot = f.fetch("w2", "q").isPresent();
    assertThat(acked).failsWithin(Duration.ofSeconds(30));

    assertThat(f.store.limits().inFlight(f.clock.instant()))
        .as("a1 is still reserved and holds its slot again (a2 taken meanwhile: %s)", tookEarlySlot)
        .containsEntry("queue:q", tookEarlySlot ? 2 : 1);
    assertThat(f.fetch("w3", "q")).as("nothing more while the limit is reached").isEmpty();

    refuseDeletes(false);
    f.ack("a1");
    if (tookEarlySlot) {
      assertThat(f.store.limits().inFlight(f.clock.instant())).containsEntry("queue:q", 1);
      assertThat(f.fetch("w3", "q")).as("a2 still holds the only slot").isEmpty();
      f.ack("a2");
      assertThat(f.fetch("w3", "q")).contains("a3");
    } else {
      assertThat(f.store.limits().inFlight(f.clock.instant())).isEmpty();
      assertThat(f.fetch("w3", "q")).contains("a2");
      assertThat(f.fetch("w4", "q")).isEmpty();
    }
  }

  /** A trigger refuses every ACK's deletion, as a full disk refuses any commit. */
  private void refuseDeletes(boolean on) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("fabrik.db"));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      s.execute(
          on
              ? "CREATE TRIGGER refuse_delete BEFORE DELETE ON jobs"
                  + " BEGIN SELECT RAISE(FAIL, 'refused by the test'); END"
              : "DROP TRIGGER refuse_delete");
    }
  }
}
