package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitRule.Scope;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresLimitGateTest extends LimitGateContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("limitgate");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  /**
   * The slot an ACK here freed is handed to the next FETCH here, which skips the usage; when
   * another node took it meanwhile, the acquisition fails, the job goes back in its place, and the
   * limit holds.
   */
  @Test
  void aSlotHandedOnButTakenByAnotherNodeMeanwhileLeavesTheJobQueued() {
    f = new LimitFixture(open(), new LimitRule(Scope.QUEUE, "q", 1, 0, null, 0, null, null));
    f.push("s1", "q", "Scrape");
    f.push("s2", "q", "Scrape");
    assertThat(f.fetch("w1", "q")).contains("s1");

    f.ack("s1"); // frees the slot and offers it to this node's next FETCH
    try (PostgresStore other = schemas.reopen((PostgresStore) f.store)) {
      LimitStore.SlotClaim one =
          new LimitStore.SlotClaim("queue:q", 1, f.clock.instant().plusSeconds(600));
      assertThat(
              other
                  .limits()
                  .acquire("elsewhere-0001", "w9", List.of(one), List.of(), f.clock.instant()))
          .isTrue();

      assertThat(f.fetch("w2", "q")).isEmpty();

      assertThat(f.store.queueSize("q")).isEqualTo(1);
      assertThat(f.store.limits().inFlight(f.clock.instant()))
          .containsExactly(Map.entry("queue:q", 1));
      other.limits().release("elsewhere-0001");
      assertThat(f.fetch("w2", "q")).contains("s2");
    }
  }
}
