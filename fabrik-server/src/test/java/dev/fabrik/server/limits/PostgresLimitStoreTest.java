package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresLimitStoreTest extends LimitStoreContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("limits");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Test
  void twoNodesShareTheSlotsOfAKey() {
    try (PostgresStore other = schemas.reopen((PostgresStore) store)) {
      LimitStore.SlotClaim one = new LimitStore.SlotClaim("queue:q", 1, LATER);
      assertThat(limits.acquire("j1", "w1", List.of(one), List.of(), T0)).isTrue();
      assertThat(other.limits().acquire("j2", "w2", List.of(one), List.of(), T0)).isFalse();

      other.limits().release("j1"); // the ACK reached the other node

      assertThat(limits.inFlight(T0)).isEmpty();
      assertThat(other.limits().acquire("j2", "w2", List.of(one), List.of(), T0)).isTrue();
      assertThat(limits.inFlight(T0)).containsExactly(Map.entry("queue:q", 1));
    }
  }

  @Test
  void aReservationGivenBackIsFetchedNextInItsPlace() {
    store.enqueue(
        List.of(
            new dev.fabrik.server.storage.QueuedJob(
                "a", "q", "{\"jid\":\"a\",\"jobtype\":\"A\"}".getBytes()),
            new dev.fabrik.server.storage.QueuedJob(
                "b", "q", "{\"jid\":\"b\",\"jobtype\":\"A\"}".getBytes())));
    var r = store.reserve(List.of("q"), "w", T0, p -> LATER).orElseThrow();
    assertThat(r.jid()).isEqualTo("a");

    assertThat(store.unreserve(r)).isTrue();

    assertThat(store.workingSize()).isZero();
    assertThat(store.queueSize("q")).isEqualTo(2);
    assertThat(store.reserve(List.of("q"), "w", T0, p -> LATER).orElseThrow().jid()).isEqualTo("a");
  }
}
