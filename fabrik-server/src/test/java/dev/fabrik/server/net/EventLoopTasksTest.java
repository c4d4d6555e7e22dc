package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks handed to an idle loop always run, however their wakeups coalesce: a loop waiting in select
 * with a task in its queue would leave a connection unanswered until some unrelated socket event.
 */
class EventLoopTasksTest {
  private final EventLoop loop =
      new EventLoop(
          "test-loop",
          (where, e) -> {
            throw new AssertionError(where, e);
          });

  @AfterEach
  void close() {
    loop.close(System.nanoTime() + Duration.ofSeconds(5).toNanos());
  }

  @Test
  void everyTaskFromManyThreadsRunsOnTheLoop() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger offLoop = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        pool.submit(
            () -> {
              go.await();
              for (int i = 0; i < perThread; i++) {
                loop.execute(
                    () -> {
                      if (!loop.inLoop()) {
                        offLoop.incrementAndGet();
                      }
                      ran.incrementAndGet();
                    });
              }
              return null;
            });
      }
      go.countDown();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> ran.get() == threads * perThread);
    } finally {
      pool.shutdownNow();
    }
    assertThat(offLoop).hasValue(0);
  }

  @Test
  void aTaskAddedByTheLoopItselfRunsWithoutAnotherEvent() {
    AtomicInteger ran = new AtomicInteger();
    // Each task queues the next from the loop thread: nothing else would wake the selector.
    Runnable[] chain = new Runnable[1];
    chain[0] =
        () -> {
          if (ran.incrementAndGet() < 1000) {
            loop.execute(chain[0]);
          }
        };
    loop.execute(chain[0]);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> ran.get() == 1000);
  }

  @Test
  void tasksHandedOverOneAtATimeToAnIdleLoopAllRun() throws InterruptedException {
    Semaphore ran = new Semaphore(0);
    for (int i = 0; i < 2000; i++) {
      loop.execute(ran::release);
      // The loop is back in select between tasks: each one needs its wakeup to arrive.
      assertThat(ran.tryAcquire(10, TimeUnit.SECONDS)).as("task %d ran", i).isTrue();
    }
  }
}
