package dev.fabrik.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class PeriodicTasksTest {
  private static final Duration FAST = Duration.ofMillis(5);

  @Test
  void aFailingTaskKeepsRunning() throws Exception {
    CountDownLatch secondRun = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    var tasks =
        new PeriodicTasks(
            List.of(
                new PeriodicTasks.Task(
                    "flaky",
                    FAST,
                    () -> {
                      if (runs.incrementAndGet() == 1) {
                        throw new IllegalStateException("first run fails (expected in this test)");
                      }
                      secondRun.countDown();
                    })));
    tasks.start();
    try {
      assertThat(secondRun.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      tasks.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void stopIsSafeBeforeStartIdempotentAndFinal() {
    AtomicInteger runs = new AtomicInteger();
    var tasks =
        new PeriodicTasks(List.of(new PeriodicTasks.Task("t", FAST, runs::incrementAndGet)));
    tasks.stop(Duration.ofSeconds(1));
    tasks.start();
    tasks.start();
    tasks.stop(Duration.ofSeconds(5));
    int after = runs.get();
    tasks.stop(Duration.ofSeconds(5));
    assertThat(runs.get()).isEqualTo(after);
    assertThatThrownBy(tasks::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void movesDueJobsReapsReservationsAndWorkers() throws Exception {
    ManualClock clock = new ManualClock();
    MemoryStore store = new MemoryStore();
    WorkerRegistry workers = new WorkerRegistry(clock);
    Manager manager =
        new Manager(
            store,
            workers,
            clock,
            new ManagerSettings(Duration.ofMillis(10), Duration.ofDays(180), 1000, 1 << 20));
    CountDownLatch workerClosed = new CountDownLatch(1);
    workers.attach(
        "w1",
        new WorkerInfo("w1", "h", 1, List.of(), null, null, 0, null, 0),
        workerClosed::countDown);
    String at = Timestamps.format(clock.instant().plusSeconds(30));
    manager.push(
        JobCodec.decode(
            "{\"jid\":\"sched001\",\"jobtype\":\"T\",\"args\":[],\"at\":\"" + at + "\"}"));
    manager.push(
        JobCodec.decode("{\"jid\":\"working1\",\"jobtype\":\"T\",\"args\":[],\"queue\":\"w\"}"));
    assertThat(manager.fetch("w1", List.of("w"))).isPresent();
    clock.advance(Duration.ofHours(1));
    CountDownLatch scheduledMoved = new CountDownLatch(1);
    CountDownLatch retryMoved = new CountDownLatch(1);
    store.onEnqueued(
        (queue, count) -> (queue.equals("w") ? retryMoved : scheduledMoved).countDown());

    var tasks =
        new PeriodicTasks(
            manager.maintenance(),
            new PeriodicTasks.Settings(FAST, FAST, FAST, FAST, Duration.ofSeconds(60)));
    tasks.start();
    try {
      assertThat(scheduledMoved.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(workerClosed.await(10, TimeUnit.SECONDS)).isTrue();
      // The expired reservation becomes a retry due at most 44 s after the reap; no event tells
      // when the reap happened, so poll for it, then move the clock past the backoff.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.workingSize() == 0);
      clock.advance(Duration.ofMinutes(5));
      assertThat(retryMoved.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      tasks.stop(Duration.ofSeconds(5));
    }
    assertThat(store.queueSize("default")).isEqualTo(1);
    assertThat(store.queueSize("w")).isEqualTo(1);
    assertThat(store.workingSize()).isZero();
    assertThat(manager.stats().tasks().get("Workers").enqueued()).isEqualTo(1);
  }

  @Test
  void settingsRejectNonPositivePeriods() {
    assertThatThrownBy(
            () ->
                new PeriodicTasks.Settings(Duration.ZERO, FAST, FAST, FAST, Duration.ofSeconds(60)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PeriodicTasks.Settings.defaults(Duration.ofSeconds(60)).enqueue())
        .isEqualTo(Duration.ofSeconds(1));
  }
}
