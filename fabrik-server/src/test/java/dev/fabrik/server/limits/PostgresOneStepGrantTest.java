package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On PostgreSQL a FETCH under a queue's or a job type's concurrency limit is granted its job and
 * its slot by one statement ({@link LimitStore#reserveWithSlot}): no usage read before it, no
 * acquisition after.
 */
class PostgresOneStepGrantTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Function<byte[], Instant> DEADLINE = p -> T0.plusSeconds(600);

  @RegisterExtension final PgSchemas schemas = new PgSchemas("onestep");

  /** The store's limit state, counting the usage reads and the separate acquisitions. */
  private static final class Counting extends ForwardingLimitStore {
    final AtomicInteger looks = new AtomicInteger();
    final AtomicInteger acquisitions = new AtomicInteger();

    Counting(LimitStore inner) {
      super(inner);
    }

    @Override
    public boolean acquire(
        String jid, String wid, List<SlotClaim> slots, List<RateTake> takes, Instant now) {
      acquisitions.incrementAndGet();
      return super.acquire(jid, wid, slots, takes, now);
    }

    @Override
    public Map<String, Integer> inFlight(Instant now) {
      looks.incrementAndGet();
      return super.inFlight(now);
    }

    @Override
    public Set<String> rateBlocked(Instant now) {
      looks.incrementAndGet();
      return super.rateBlocked(now);
    }
  }

  @Test
  void aQueueLimitedFetchTakesItsJobAndSlotInOneStep() {
    try (PostgresStore store = schemas.newStore()) {
      store.enqueue(List.of(job("limited-0001"), job("limited-0002")));
      Counting state = new Counting(store.limits());
      LimitGate gate =
          LimitFixture.oneSlotGate(store, state, new SlotHandoffs(new ManualClock(T0)));

      Optional<Reservation> first = gate.reserve(List.of("q"), "w1", T0, DEADLINE);
      Optional<Reservation> second = gate.reserve(List.of("q"), "w2", T0, DEADLINE);

      assertThat(first).map(Reservation::jid).contains("limited-0001");
      assertThat(second).isEmpty();
      assertThat(state.looks.get() + state.acquisitions.get()).isZero();
      assertThat(store.limits().inFlight(T0)).containsExactly(Map.entry("queue:q", 1));
      assertThat(store.workingSize()).isEqualTo(1);
      assertThat(store.queueSize("q")).isEqualTo(1);
    }
  }

  /** A job type at its limit is passed over in the same statement: the job behind it is served. */
  @Test
  void aJobTypeLimitedFetchTakesItsJobAndSlotInOneStep() {
    try (PostgresStore store = schemas.newStore()) {
      store.enqueue(List.of(job("slow-0001", "Slow"), job("slow-0002", "Slow"), job("fast-0001")));
      Counting state = new Counting(store.limits());
      LimitRule slow = new LimitRule(LimitRule.Scope.JOBTYPE, "Slow", 1, 0, null, 0, null, null);
      LimitGate gate = LimitFixture.gate(store, state, new SlotHandoffs(new ManualClock(T0)), slow);

      Optional<Reservation> first = gate.reserve(List.of("q"), "w1", T0, DEADLINE);
      Optional<Reservation> second = gate.reserve(List.of("q"), "w2", T0, DEADLINE);
      Optional<Reservation> third = gate.reserve(List.of("q"), "w3", T0, DEADLINE);

      assertThat(first).map(Reservation::jid).contains("slow-0001");
      assertThat(second).map(Reservation::jid).contains("fast-0001");
      assertThat(third).isEmpty();
      assertThat(state.looks.get() + state.acquisitions.get()).isZero();
      assertThat(store.limits().inFlight(T0)).containsExactly(Map.entry("jobtype:Slow", 1));
      assertThat(store.queueSize("q")).isEqualTo(1);
    }
  }

  private static QueuedJob job(String jid) {
    return job(jid, "T");
  }

  private static QueuedJob job(String jid, String type) {
    String json = "{\"jid\":\"" + jid + "\",\"jobtype\":\"" + type + "\"}";
    return new QueuedJob(jid, "q", json.getBytes(StandardCharsets.UTF_8));
  }
}
