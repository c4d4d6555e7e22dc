package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A slot freed on this node is handed to the next FETCH of its limit, which then reserves and takes
 * it without first reading the usage (on PostgreSQL, a round trip); a hand-off older than {@link
 * SlotHandoffs#FRESH} is not trusted. On a manual clock.
 */
class SlotHandoffGateTest {
  private static final String KEY = "queue:q";

  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final MemoryStore store = new MemoryStore();
  private final AtomicInteger usageReads = new AtomicInteger();
  private final InProcessLimitStore state =
      new InProcessLimitStore() {
        @Override
        public Map<String, Integer> inFlight(Instant now) {
          usageReads.incrementAndGet();
          return super.inFlight(now);
        }
      };
  private final SlotHandoffs handoffs = new SlotHandoffs(clock);
  private final LimitGate gate = LimitFixture.oneSlotGate(store, state, handoffs);

  private void push(String... jids) {
    for (String jid : jids) {
      byte[] payload =
          ("{\"jid\":\"" + jid + "\",\"queue\":\"q\"}").getBytes(StandardCharsets.UTF_8);
      store.enqueue(List.of(new QueuedJob(jid, "q", payload)));
    }
  }

  private Optional<String> fetch() {
    Instant now = clock.instant();
    return gate.reserve(List.of("q"), "w1", now, p -> now.plusSeconds(600)).map(Reservation::jid);
  }

  /** What an ACK committed on this node does: the slot goes, and is offered here. */
  private void ackedHere(String jid) {
    state.release(jid);
    handoffs.freed(KEY, 1);
  }

  @Test
  void aSlotFreedHereIsTakenByTheNextFetchWithoutReadingTheUsage() {
    push("job-0000001", "job-0000002");
    assertThat(fetch()).contains("job-0000001");
    assertThat(fetch()).isEmpty(); // at the limit: waits
    int reads = usageReads.get();

    ackedHere("job-0000001");

    assertThat(fetch()).contains("job-0000002");
    assertThat(usageReads.get()).isEqualTo(reads);
    assertThat(state.inFlight(clock.instant())).containsExactly(Map.entry(KEY, 1));
  }

  @Test
  void eachFreedSlotIsHandedOnOnce() {
    push("job-0000001", "job-0000002", "job-0000003");
    assertThat(fetch()).contains("job-0000001");
    ackedHere("job-0000001");
    assertThat(fetch()).contains("job-0000002");
    int reads = usageReads.get();

    assertThat(fetch()).isEmpty(); // nothing handed on: it looks, and the limit is full

    assertThat(usageReads.get()).isEqualTo(reads + 1);
    assertThat(store.queueSize("q")).isEqualTo(1);
  }

  @Test
  void aStaleHandOffIsNotTrusted() {
    push("job-0000001", "job-0000002");
    assertThat(fetch()).contains("job-0000001");
    ackedHere("job-0000001");
    clock.advance(SlotHandoffs.FRESH.plus(Duration.ofMillis(1)));
    int reads = usageReads.get();

    assertThat(fetch()).contains("job-0000002");

    assertThat(usageReads.get()).isEqualTo(reads + 1);
  }

  @Test
  void aLimitKeepsNoMoreHandOffsThanItHasSlots() {
    handoffs.freed(KEY, 2);
    handoffs.freed(KEY, 2);
    handoffs.freed(KEY, 2);

    assertThat(handoffs.take(KEY)).isTrue();
    assertThat(handoffs.take(KEY)).isTrue();
    assertThat(handoffs.take(KEY)).isFalse();
  }
}
