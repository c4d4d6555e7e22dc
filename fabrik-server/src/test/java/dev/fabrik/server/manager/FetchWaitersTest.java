package dev.fabrik.server.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FetchWaitersTest {
  private static final long LONG = TimeUnit.SECONDS.toNanos(30);
  private final FetchWaiters waiters = new FetchWaiters();

  @Test
  void aSignalBeforeAwaitIsNotLost() throws Exception {
    var w = waiters.register("", List.of("q"));
    waiters.wake("q", 1);
    assertThat(waiters.await(w, LONG)).isTrue();
    assertThat(w.wokenBy()).isEqualTo("q");
  }

  @Test
  void timesOutWhenNothingComes() throws Exception {
    var w = waiters.register("", List.of("q"));
    assertThat(waiters.await(w, TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
    assertThat(waiters.waiting("q")).isZero();
  }

  @Test
  void wakesAtMostCountWaitersOldestFirstAndEachOnce() {
    var a = waiters.register("", List.of("q", "r"));
    var b = waiters.register("", List.of("q"));
    var c = waiters.register("", List.of("r", "q"));
    waiters.wake("q", 2);
    assertThat(a.wokenBy()).isEqualTo("q");
    assertThat(b.wokenBy()).isEqualTo("q");
    assertThat(c.wokenBy()).isNull();
    assertThat(waiters.waiting("r")).isEqualTo(1);
    waiters.wake("r", 5);
    assertThat(c.wokenBy()).isEqualTo("r");
    assertThat(waiters.waiting("q")).isZero();
  }

  @Test
  void releaseWakesOnlyThatWorkersWaitersWithNoQueue() throws Exception {
    var quiet = waiters.register("w1", List.of("q", "r"));
    var other = waiters.register("w2", List.of("q"));
    waiters.release("w1");
    assertThat(waiters.await(quiet, LONG)).isTrue();
    assertThat(quiet.wokenBy()).isEqualTo(FetchWaiters.RELEASED);
    assertThat(other.wokenBy()).isNull();
    assertThat(waiters.waiting("q")).isEqualTo(1);
    assertThat(waiters.waiting("r")).isZero();
    waiters.wake("q", 1);
    assertThat(other.wokenBy()).isEqualTo("q");
  }

  @Test
  void fiftyVirtualThreadsNoLostWakeups() throws Exception {
    int n = 50;
    CountDownLatch woken = new CountDownLatch(n);
    AtomicInteger timedOut = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch registered = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    var w = waiters.register("", List.of("q"));
                    registered.countDown();
                    try {
                      if (waiters.await(w, LONG)) {
                        woken.countDown();
                      } else {
                        timedOut.incrementAndGet();
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    assertThat(registered.await(10, TimeUnit.SECONDS)).isTrue();
    // Wake from several threads at once, one job per event, racing the parks.
    List<CompletableFuture<Void>> wakers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      wakers.add(CompletableFuture.runAsync(() -> waiters.wake("q", 1)));
    }
    wakers.forEach(CompletableFuture::join);
    assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(timedOut).hasValue(0);
    for (Thread t : threads) {
      t.join();
    }
  }

  @Test
  void awaitIsInterruptibleAndUnregisters() throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  var w = waiters.register("", List.of("q"));
                  try {
                    waiters.await(w, LONG);
                    outcome.complete(null);
                  } catch (InterruptedException e) {
                    outcome.complete(e);
                  }
                });
    while (waiters.waiting("q") == 0) {
      Thread.onSpinWait();
    }
    t.interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(waiters.waiting("q")).isZero();
  }
}
