package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a store shared between nodes the usage read does not see a slot being inserted: a FETCH of
 * this node that looks while another FETCH here is taking the last slot counts that slot as held,
 * and reserves nothing, instead of racing for it and giving its job back.
 */
class InProgressTakeGateTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final MemoryStore store = new MemoryStore();
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch proceed = new CountDownLatch(1);
  private final BlockingLimitState state = new BlockingLimitState();
  private final LimitGate gate = LimitFixture.oneSlotGate(store, state, new SlotHandoffs(clock));

  /**
   * A shared database's limit state, as the gate sees it (not in-process, so FETCHes are not run
   * one at a time): its first acquisition stops until the test lets it go on.
   */
  private final class BlockingLimitState extends ForwardingLimitStore {
    private boolean first = true;

    BlockingLimitState() {
      super(new InProcessLimitStore());
    }

    @Override
    public boolean acquire(
        String jid, String wid, List<SlotClaim> slots, List<RateTake> takes, Instant now) {
      boolean wait;
      synchronized (this) {
        wait = first;
        first = false;
      }
      if (wait) {
        entered.countDown();
        try {
          assertThat(proceed.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      return super.acquire(jid, wid, slots, takes, now);
    }
  }

  private Optional<String> fetch() {
    Instant now = clock.instant();
    return gate.reserve(List.of("q"), "w1", now, p -> now.plusSeconds(600)).map(Reservation::jid);
  }

  @Test
  void aFetchLookingWhileTheLastSlotIsBeingTakenHereReservesNothing() throws Exception {
    for (String jid : List.of("job-0000001", "job-0000002")) {
      byte[] payload =
          ("{\"jid\":\"" + jid + "\",\"queue\":\"q\"}").getBytes(StandardCharsets.UTF_8);
      store.enqueue(List.of(new QueuedJob(jid, "q", payload)));
    }
    CompletableFuture<Optional<String>> taking = CompletableFuture.supplyAsync(this::fetch);
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(fetch()).isEmpty();
    assertThat(store.queueSize("q")).isEqualTo(1);

    proceed.countDown();
    assertThat(taking.get(30, TimeUnit.SECONDS)).contains("job-0000001");
    assertThat(state.inFlight(clock.instant())).containsExactly(Map.entry("queue:q", 1));
  }
}
