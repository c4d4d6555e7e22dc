package dev.fabrik.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.limits.LimitStore.RateTake;
import dev.fabrik.server.limits.LimitStore.SlotClaim;
import dev.fabrik.server.storage.PassOver;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LimitStore} (reached as {@link Store#limits()}) and every store's limited
 * reserve ({@link Store#reserve} with a {@link PassOver}) must do. Subclasses open a fresh, empty
 * store. Instants are whole microseconds.
 */
public abstract class LimitStoreContract {
  protected static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");
  protected static final Instant LATER = T0.plusSeconds(600);

  protected Store store;
  protected LimitStore limits;

  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    limits = store.limits();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static SlotClaim slot(String key, int limit) {
    return new SlotClaim(key, limit, LATER);
  }

  @Test
  void slotsAreGrantedUpToTheLimitAndFreedByRelease() {
    assertThat(limits.acquire("j1", "w", List.of(slot("queue:q", 2)), List.of(), T0)).isTrue();
    assertThat(limits.acquire("j2", "w", List.of(slot("queue:q", 2)), List.of(), T0)).isTrue();
    assertThat(limits.acquire("j3", "w", List.of(slot("queue:q", 2)), List.of(), T0)).isFalse();
    assertThat(limits.inFlight(T0)).containsExactly(Map.entry("queue:q", 2));

    limits.release("j1");

    assertThat(limits.inFlight(T0)).containsExactly(Map.entry("queue:q", 1));
    assertThat(limits.acquire("j3", "w", List.of(slot("queue:q", 2)), List.of(), T0)).isTrue();
  }

  @Test
  void anAcquisitionTakesAllOrNothing() {
    assertThat(limits.acquire("j1", "w", List.of(slot("jobtype:A", 1)), List.of(), T0)).isTrue();

    boolean second =
        limits.acquire("j2", "w", List.of(slot("queue:q", 5), slot("jobtype:A", 1)), List.of(), T0);

    assertThat(second).isFalse();
    assertThat(limits.inFlight(T0)).containsExactly(Map.entry("jobtype:A", 1));
  }

  @Test
  void aRefusedRateTakeGivesTheSlotsBack() {
    RateTake once = new RateTake("queue:q", 1, 60_000_000L);
    assertThat(limits.acquire("j1", "w", List.of(), List.of(once), T0)).isTrue();

    assertThat(limits.acquire("j2", "w", List.of(slot("queue:q", 5)), List.of(once), T0)).isFalse();

    assertThat(limits.inFlight(T0)).isEmpty();
  }

  @Test
  void aSlotPastItsTimeoutIsFreeForTheNextTaker() {
    SlotClaim shortLived = new SlotClaim("queue:q", 1, T0.plusSeconds(120));
    assertThat(limits.acquire("crashed", "w1", List.of(shortLived), List.of(), T0)).isTrue();
    assertThat(
            limits.acquire("j2", "w2", List.of(slot("queue:q", 1)), List.of(), T0.plusSeconds(119)))
        .isFalse();

    assertThat(limits.inFlight(T0.plusSeconds(120))).isEmpty();
    assertThat(
            limits.acquire("j2", "w2", List.of(slot("queue:q", 1)), List.of(), T0.plusSeconds(120)))
        .isTrue();
    assertThat(limits.inFlight(T0.plusSeconds(121))).containsExactly(Map.entry("queue:q", 1));
  }

  @Test
  void aRateBucketAllowsItsCountPerPeriodSpreadEvenly() {
    RateTake twoPer10s = new RateTake("jobtype:A", 2, 10_000_000L);
    assertThat(limits.acquire("j1", "w", List.of(), List.of(twoPer10s), T0)).isTrue();
    assertThat(limits.rateBlocked(T0)).isEmpty();
    assertThat(limits.acquire("j2", "w", List.of(), List.of(twoPer10s), T0)).isTrue();
    assertThat(limits.rateBlocked(T0)).containsExactly("jobtype:A");
    assertThat(limits.acquire("j3", "w", List.of(), List.of(twoPer10s), T0.plusSeconds(4)))
        .isFalse();

    // GCRA: one start comes back every period / count = 5 s.
    assertThat(limits.rateBlocked(T0.plusSeconds(5))).isEmpty();
    assertThat(limits.acquire("j3", "w", List.of(), List.of(twoPer10s), T0.plusSeconds(5)))
        .isTrue();
    assertThat(limits.acquire("j4", "w", List.of(), List.of(twoPer10s), T0.plusSeconds(5)))
        .isFalse();
  }

  @Test
  void aBucketFullAgainIsPurgedAndItsBudgetIsUnchanged() {
    RateTake twoPer10s = new RateTake("jobtype:A#tenant-1", 2, 10_000_000L);
    RateTake other = new RateTake("jobtype:A#tenant-2", 2, 10_000_000L);
    assertThat(limits.acquire("j1", "w", List.of(), List.of(twoPer10s), T0)).isTrue();
    assertThat(limits.acquire("j2", "w", List.of(), List.of(twoPer10s), T0)).isTrue();
    assertThat(limits.acquire("j3", "w", List.of(), List.of(other), T0.plusSeconds(8))).isTrue();

    // tenant-1's time is T0 + 10 s, tenant-2's T0 + 13 s: neither is full at T0 + 9 s.
    assertThat(limits.purgeIdleBuckets(T0.plusSeconds(9))).isZero();
    assertThat(limits.purgeIdleBuckets(T0.plusSeconds(10))).isEqualTo(1);
    assertThat(limits.purgeIdleBuckets(T0.plusSeconds(10))).isZero();

    // A purged bucket grants what a full one did: two starts, then none.
    Instant t = T0.plusSeconds(10);
    assertThat(limits.acquire("j4", "w", List.of(), List.of(twoPer10s), t)).isTrue();
    assertThat(limits.acquire("j5", "w", List.of(), List.of(twoPer10s), t)).isTrue();
    assertThat(limits.acquire("j6", "w", List.of(), List.of(twoPer10s), t)).isFalse();
    // tenant-2 was not full, so it kept its state: one start left at T0 + 10 s.
    assertThat(limits.acquire("j7", "w", List.of(), List.of(other), t)).isTrue();
    assertThat(limits.acquire("j8", "w", List.of(), List.of(other), t)).isFalse();
  }

  @Test
  void eachPartitionHasItsOwnBudget() {
    RateTake a = new RateTake("jobtype:A#tenant-1", 1, 60_000_000L);
    RateTake b = new RateTake("jobtype:A#tenant-2", 1, 60_000_000L);
    assertThat(limits.acquire("j1", "w", List.of(), List.of(a), T0)).isTrue();
    assertThat(limits.acquire("j2", "w", List.of(), List.of(a), T0)).isFalse();
    assertThat(limits.acquire("j3", "w", List.of(), List.of(b), T0)).isTrue();
    assertThat(limits.rateBlocked(T0))
        .containsExactlyInAnyOrder("jobtype:A#tenant-1", "jobtype:A#tenant-2");
  }

  @Test
  void concurrentAcquisitionsNeverGrantMoreThanTheLimit() throws Exception {
    int limit = 3;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String jid = "j" + i;
        tries.add(() -> limits.acquire(jid, "w", List.of(slot("queue:hot", limit)), List.of(), T0));
      }
      int granted = 0;
      for (Future<Boolean> f : pool.invokeAll(tries)) {
        granted += f.get() ? 1 : 0;
      }
      assertThat(granted).isEqualTo(limit);
      assertThat(limits.inFlight(T0)).containsExactly(Map.entry("queue:hot", limit));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rulesSetAtRunTimeAreSavedReplacedAndRemoved() {
    LimitRule first =
        new LimitRule(
            LimitRule.Scope.QUEUE, "scraper", 3, 0, Duration.ofSeconds(120), 0, null, null);
    LimitRule typed =
        new LimitRule(
            LimitRule.Scope.JOBTYPE,
            "SendEmail",
            0,
            1,
            null,
            100,
            Duration.ofSeconds(60),
            "custom.tenant");
    limits.saveRule(first);
    limits.saveRule(typed);
    LimitRule replaced = new LimitRule(LimitRule.Scope.QUEUE, "scraper", 5, 0, null, 0, null, null);
    limits.saveRule(replaced);

    assertThat(limits.savedRules()).containsExactlyInAnyOrder(replaced, typed);
    assertThat(limits.removeRule("queue:scraper")).isTrue();
    assertThat(limits.removeRule("queue:scraper")).isFalse();
    assertThat(limits.savedRules()).containsExactly(typed);
  }

  @Test
  void flushForgetsUsageButKeepsRules() {
    limits.saveRule(new LimitRule(LimitRule.Scope.QUEUE, "q", 1, 0, null, 0, null, null));
    limits.acquire(
        "j1",
        "w",
        List.of(slot("queue:q", 1)),
        List.of(new RateTake("queue:q", 1, 60_000_000L)),
        T0);

    store.flush();

    assertThat(limits.inFlight(T0)).isEmpty();
    assertThat(limits.rateBlocked(T0)).isEmpty();
    assertThat(limits.savedRules()).hasSize(1);
  }

  // ------------------------------------------------------------ the store's limited reserve

  private void enqueue(String jid, String queue, String jobtype) {
    String json =
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\""
            + jobtype
            + "\",\"queue\":\""
            + queue
            + "\",\"args\":[\""
            + jid
            + "\"]}";
    store.enqueue(List.of(new QueuedJob(jid, queue, json.getBytes(StandardCharsets.UTF_8))));
  }

  private Optional<String> reserve(PassOver passOver, String... queues) {
    return store.reserve(List.of(queues), "w", T0, p -> LATER, passOver).map(Reservation::jid);
  }

  @Test
  void aLimitedReservePassesOverJobTypesAndLeavesThemInPlace() {
    enqueue("a1", "q", "A");
    enqueue("a2", "q", "A");
    enqueue("b1", "q", "B");
    enqueue("a3", "q", "A");
    enqueue("b2", "q", "B");
    PassOver notA = new PassOver(Set.of("A"), p -> false);

    assertThat(reserve(notA, "q")).contains("b1");
    assertThat(reserve(notA, "q")).contains("b2");
    assertThat(reserve(notA, "q")).isEmpty();

    // The jobs passed over kept their order.
    assertThat(store.reserve(List.of("q"), "w", T0, p -> LATER).map(Reservation::jid))
        .contains("a1");
    assertThat(store.reserve(List.of("q"), "w", T0, p -> LATER).map(Reservation::jid))
        .contains("a2");
    assertThat(store.reserve(List.of("q"), "w", T0, p -> LATER).map(Reservation::jid))
        .contains("a3");
  }

  @Test
  void aLimitedReserveAsksThePayloadTestAndGoesOnToTheNextQueue() {
    enqueue("x1", "first", "A");
    enqueue("y1", "second", "A");
    PassOver refuseX =
        new PassOver(Set.of(), p -> new String(p, StandardCharsets.UTF_8).contains("x1"));

    assertThat(reserve(refuseX, "first", "second")).contains("y1");
    assertThat(store.queueSize("first")).isEqualTo(1);
    assertThat(store.workingSize()).isEqualTo(1);
  }

  @Test
  void aPassOverOfNothingIsAPlainReserve() {
    enqueue("a1", "q", "A");
    assertThat(reserve(PassOver.NOTHING, "q")).contains("a1");
  }
}
