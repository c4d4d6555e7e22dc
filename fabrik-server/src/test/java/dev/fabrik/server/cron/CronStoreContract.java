package dev.fabrik.server.cron;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link CronStore} must do. Subclasses open a fresh store; those that keep data
 * across a restart also say how to reopen it.
 */
public abstract class CronStoreContract {
  protected static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  protected Store store;

  protected abstract Store open();

  /** Closes {@link #store} and opens it again from its files; empty for a store that keeps none. */
  protected Optional<Store> reopen() {
    return Optional.empty();
  }

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private CronStore cron() {
    return store.cron();
  }

  private static QueuedJob job(String jid) {
    return new QueuedJob(
        jid,
        "cron-q",
        ("{\"jid\":\"" + jid + "\",\"jobtype\":\"T\",\"queue\":\"cron-q\"}").getBytes(UTF_8));
  }

  @Test
  void ensureCreatesStateOnceAndKeepsWhatIsThere() {
    Map<String, CronStore.TickState> first = cron().ensure(List.of("a", "b"), T0);
    assertThat(first.get("a").lastTick()).isEqualTo(T0);
    assertThat(first.get("a").paused()).isFalse();
    assertThat(first.get("a").lastJid()).isNull();
    assertThat(cron().ensure(List.of("a"), T0.plusSeconds(99)).get("a").lastTick()).isEqualTo(T0);
    assertThat(cron().states()).containsOnlyKeys("a", "b");
    assertThat(cron().state("missing")).isEmpty();
  }

  @Test
  void aClaimMovesTheTickAndEnqueuesItsJobTogether() {
    cron().ensure(List.of("a"), T0);
    Instant tick = T0.plusSeconds(60);
    assertThat(cron().claimTick("a", T0, tick, job("j1"))).isTrue();
    CronStore.TickState s = cron().state("a").orElseThrow();
    assertThat(s.lastTick()).isEqualTo(tick);
    assertThat(s.lastJid()).isEqualTo("j1");
    assertThat(s.lastRunAt()).isEqualTo(tick);
    assertThat(store.queueSize("cron-q")).isEqualTo(1);
    Reservation r =
        store.reserve(List.of("cron-q"), "w", T0, p -> T0.plusSeconds(60)).orElseThrow();
    assertThat(r.jid()).isEqualTo("j1");
  }

  @Test
  void aStaleClaimChangesNothing() {
    cron().ensure(List.of("a"), T0);
    assertThat(cron().claimTick("a", T0, T0.plusSeconds(60), job("j1"))).isTrue();
    assertThat(cron().claimTick("a", T0, T0.plusSeconds(60), job("j2"))).isFalse();
    assertThat(cron().claimTick("unknown", T0, T0.plusSeconds(60), job("j3"))).isFalse();
    assertThat(store.queueSize("cron-q")).isEqualTo(1);
    assertThat(cron().state("a").orElseThrow().lastJid()).isEqualTo("j1");
  }

  @Test
  void aSkipMovesTheTickWithoutAJob() {
    cron().ensure(List.of("a"), T0);
    assertThat(cron().claimTick("a", T0, T0.plusSeconds(3600), null)).isTrue();
    CronStore.TickState s = cron().state("a").orElseThrow();
    assertThat(s.lastTick()).isEqualTo(T0.plusSeconds(3600));
    assertThat(s.lastJid()).isNull();
    assertThat(store.queueSize("cron-q")).isZero();
  }

  @Test
  void pausedEntriesCannotBeClaimedAndResumeRestartsFromNow() {
    cron().ensure(List.of("a"), T0);
    cron().pause("a");
    assertThat(cron().state("a").orElseThrow().paused()).isTrue();
    assertThat(cron().claimTick("a", T0, T0.plusSeconds(60), job("j1"))).isFalse();
    Instant now = T0.plusSeconds(600);
    cron().resume("a", now);
    CronStore.TickState s = cron().state("a").orElseThrow();
    assertThat(s.paused()).isFalse();
    assertThat(s.lastTick()).isEqualTo(now);
    assertThat(store.queueSize("cron-q")).isZero();
  }

  @Test
  void runNowPushesAndRecordsTheJobButKeepsTheTick() {
    cron().ensure(List.of("a"), T0);
    cron().runNow("a", T0.plusSeconds(5), job("manual"));
    CronStore.TickState s = cron().state("a").orElseThrow();
    assertThat(s.lastTick()).isEqualTo(T0);
    assertThat(s.lastJid()).isEqualTo("manual");
    assertThat(s.lastRunAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(store.queueSize("cron-q")).isEqualTo(1);
  }

  @Test
  void apiEntriesAreSavedReplacedAndRemoved() {
    cron().saveEntry("x", "{\"v\":1}".getBytes(UTF_8));
    cron().saveEntry("y", "{\"v\":2}".getBytes(UTF_8));
    cron().saveEntry("x", "{\"v\":3}".getBytes(UTF_8));
    assertThat(cron().entries())
        .extracting(e -> e.id() + "=" + new String(e.definition(), UTF_8))
        .containsExactly("x={\"v\":3}", "y={\"v\":2}");
    cron().ensure(List.of("x"), T0);
    assertThat(cron().removeEntry("x")).isTrue();
    assertThat(cron().removeEntry("x")).isFalse();
    assertThat(cron().state("x")).isEmpty();
    assertThat(cron().entries()).extracting(CronStore.StoredEntry::id).containsExactly("y");
  }

  /** Many claimers race for the same tick: one wins, one job. */
  @Test
  void racingClaimsOfOneTickPushOneJob() throws Exception {
    cron().ensure(List.of("a"), T0);
    int racers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        String jid = "racer-" + i;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return cron().claimTick("a", T0, T0.plusSeconds(60), job(jid));
                }));
      }
      go.countDown();
      int won = 0;
      for (Future<Boolean> f : results) {
        won += f.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
      assertThat(store.queueSize("cron-q")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void stateAndEntriesSurviveARestart() {
    cron().ensure(List.of("a"), T0);
    cron().claimTick("a", T0, T0.plusSeconds(60), job("j1"));
    cron().pause("a");
    cron().saveEntry("a", "{}".getBytes(UTF_8));
    Optional<Store> reopened = reopen();
    if (reopened.isEmpty()) {
      return;
    }
    store = reopened.get();
    CronStore.TickState s = store.cron().state("a").orElseThrow();
    assertThat(s.lastTick()).isEqualTo(T0.plusSeconds(60));
    assertThat(s.lastJid()).isEqualTo("j1");
    assertThat(s.paused()).isTrue();
    assertThat(store.cron().entries()).hasSize(1);
    assertThat(store.queueSize("cron-q")).isEqualTo(1);
  }
}
