package dev.fabrik.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.lifecycle.PeriodicService.Pass;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicServiceTest {
  private static final Duration FAST = Duration.ofMillis(5);

  @Test
  void everyPassRunsRepeatedlyOnTheOneNamedThread() throws Exception {
    CountDownLatch delayed = new CountDownLatch(3);
    CountDownLatch rated = new CountDownLatch(3);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    var service =
        new PeriodicService(
            "fabrik-test-periodic",
            List.of(
                Pass.afterEach(
                    "delayed",
                    Duration.ZERO,
                    FAST,
                    () -> {
                      threads.add(Thread.currentThread().getName());
                      delayed.countDown();
                    }),
                Pass.atRate(
                    "rated",
                    Duration.ZERO,
                    FAST,
                    () -> {
                      threads.add(Thread.currentThread().getName());
                      rated.countDown();
                    })));
    service.start();
    try {
      assertThat(delayed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(rated.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      service.stop(Duration.ofSeconds(5));
    }
    assertThat(threads).containsExactly("fabrik-test-periodic");
  }

  @Test
  void aPassThatThrowsRunsAgain() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch again = new CountDownLatch(1);
    var service =
        new PeriodicService(
            "fabrik-test-flaky",
            FAST,
            FAST,
            () -> {
              if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first run fails (expected in this test)");
              }
              again.countDown();
            });
    service.start();
    try {
      assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      service.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void stopWaitsForTheRunningPassIsIdempotentAndFinal() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    var service =
        new PeriodicService(
            "fabrik-test-stop",
            Duration.ZERO,
            Duration.ofHours(1),
            () -> {
              running.countDown();
              try {
                Thread.sleep(50); // a pass that takes a while: stop must let it end
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              finished.incrementAndGet();
            });
    service.start();
    service.start();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    service.stop(Duration.ofSeconds(30));
    assertThat(finished.get()).isEqualTo(1);
    service.stop(Duration.ofSeconds(1));
    assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class);

    var neverStarted = new PeriodicService("fabrik-test-never", FAST, FAST, () -> {});
    neverStarted.stop(Duration.ofSeconds(1));
    assertThatThrownBy(neverStarted::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesAPeriodThatIsNotPositive() {
    assertThatThrownBy(() -> Pass.afterEach("p", Duration.ZERO, Duration.ZERO, () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pass.atRate("p", Duration.ofSeconds(-1), FAST, () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
