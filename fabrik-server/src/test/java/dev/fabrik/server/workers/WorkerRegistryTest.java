package dev.fabrik.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Spec §2.5, §3.8, §6.9; checklist 6, 80–82. */
class WorkerRegistryTest {
  private final ManualClock clock = new ManualClock();
  private final WorkerRegistry registry = new WorkerRegistry(clock);

  private static WorkerInfo hello(String wid, String host) {
    return new WorkerInfo(wid, host, 42, List.of("blue", "seven"), null, null, 0, null, 0);
  }

  @Test
  void unknownWorkerBeatIsEmpty() {
    assertThat(registry.beat("nope", 0, null)).isEmpty();
    assertThat(registry.signal("nope", WorkerState.QUIET)).isFalse();
    assertThat(registry.list()).isEmpty();
    assertThat(registry.stateOf("nope")).isEqualTo(WorkerState.RUNNING);
  }

  @Test
  void statesOnlyMoveForward() {
    registry.attach("w1", hello("w1", "h"), () -> {});
    assertThat(registry.beat("w1", 100, null)).contains(WorkerState.RUNNING);
    assertThat(registry.beat("w1", 100, WorkerState.QUIET)).contains(WorkerState.QUIET);
    assertThat(registry.beat("w1", 100, null)).contains(WorkerState.QUIET);
    assertThat(registry.beat("w1", 100, WorkerState.RUNNING)).contains(WorkerState.QUIET);
    assertThat(registry.beat("w1", 100, WorkerState.TERMINATE)).contains(WorkerState.TERMINATE);
    assertThat(registry.signal("w1", WorkerState.QUIET)).isTrue();
    assertThat(registry.stateOf("w1")).isEqualTo(WorkerState.TERMINATE);
  }

  @Test
  void connectionsShareARecordThatGoesWithTheLast() {
    Runnable c1 = () -> {};
    Runnable c2 = () -> {};
    registry.attach("w1", hello("w1", "first"), c1);
    clock.advance(Duration.ofSeconds(1));
    registry.attach("w1", hello("w1", "second"), c2);
    WorkerInfo info = registry.list().iterator().next();
    assertThat(info.hostname()).isEqualTo("first");
    assertThat(info.labels()).containsExactly("blue", "seven");
    assertThat(info.connections()).isEqualTo(2);
    assertThat(info.state()).isEqualTo(WorkerState.RUNNING);
    registry.detach("w1", c1);
    assertThat(registry.list()).hasSize(1);
    registry.detach("w1", c2);
    assertThat(registry.list()).isEmpty();
    registry.detach("w1", c2);
  }

  @Test
  void beatUpdatesHeartbeatAndRss() {
    registry.attach("w1", hello("w1", "h"), () -> {});
    clock.advance(Duration.ofSeconds(15));
    registry.beat("w1", 2048, null);
    WorkerInfo info = registry.list().iterator().next();
    assertThat(info.lastBeat()).isEqualTo(clock.instant());
    assertThat(info.rssKb()).isEqualTo(2048);
  }

  @Test
  void reapRemovesOnlyStrictlyOlderAndClosesEveryConnection() {
    AtomicInteger closed = new AtomicInteger();
    registry.attach("w1", hello("w1", "h"), closed::incrementAndGet);
    registry.attach("w1", hello("w1", "h"), closed::incrementAndGet);
    registry.attach("w2", hello("w2", "h"), () -> {});
    clock.advance(Duration.ofSeconds(30));
    registry.beat("w2", 0, null);
    clock.advance(Duration.ofSeconds(30));
    // cutoff == w1's last beat: not strictly older
    assertThat(registry.reap(Duration.ofSeconds(60))).isZero();
    assertThat(closed).hasValue(0);
    clock.advance(Duration.ofMillis(1));
    assertThat(registry.reap(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(closed).hasValue(2);
    assertThat(registry.list()).extracting(WorkerInfo::wid).containsExactly("w2");
    assertThat(registry.reap(Duration.ZERO)).isEqualTo(1);
    assertThat(registry.reapedTotal()).isEqualTo(2);
    assertThat(registry.beat("w1", 0, null)).isEqualTo(Optional.empty());
  }

  @Test
  void concurrentAttachDetachLeavesNoOrphans() throws Exception {
    int n = 200;
    CountDownLatch done = new CountDownLatch(n);
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        exec.submit(
            () -> {
              Runnable conn = () -> {};
              registry.attach("w", hello("w", "h"), conn);
              registry.beat("w", 1, null);
              registry.detach("w", conn);
              done.countDown();
            });
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(registry.list()).isEmpty();
  }
}
