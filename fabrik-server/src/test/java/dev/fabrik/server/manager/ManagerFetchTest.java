package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec §3.5, §6.3; checklist 42–46, 51. */
class ManagerFetchTest {
  private final Fixture f = new Fixture(Duration.ofMillis(50));

  @Test
  void fetchReturnsThePushedJobAndShrinksTheQueue() throws Exception {
    f.manager.push(job("abcdefgh", "T", "default"));
    Job fetched = f.fetchJob("default", "some", "other");
    assertThat(fetched.jid()).isEqualTo("abcdefgh");
    assertThat(fetched.retry()).isEqualTo(25);
    assertThat(f.size("default")).isZero();
    assertThat(f.store.workingSize()).isEqualTo(1);
  }

  @Test
  void fetchNeedsAQueue() {
    assertThatThrownBy(() -> f.manager.fetch("", List.of()))
        .isInstanceOf(CommandException.class)
        .hasMessage("must call fetch with at least one queue");
  }

  @Test
  void emptyQueueTimesOutWithNothing() throws Exception {
    long start = System.nanoTime();
    assertThat(f.manager.fetch("", List.of("default"))).isEmpty();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
  }

  @Test
  void strictPriorityAcrossQueues() throws Exception {
    f.manager.push(job("email-001", "T", "email"));
    f.manager.push(job("default-1", "T", "default"));
    assertThat(f.fetchJob("default", "email").jid()).isEqualTo("default-1");
    assertThat(f.fetchJob("default", "email").jid()).isEqualTo("email-001");
  }

  @Test
  void pausedQueueIsSkippedUntilResumed() throws Exception {
    f.manager.push(job("default-1", "T", "default"));
    f.manager.push(job("email-001", "T", "email"));
    f.manager.queues().pause(List.of("default"));
    assertThat(f.store.pausedQueues()).containsExactly("default");
    assertThat(f.fetchJob("default", "email").jid()).isEqualTo("email-001");
    assertThat(f.fetchJob("default")).isNull();
    f.manager.queues().resume(List.of("default"));
    assertThat(f.store.pausedQueues()).isEmpty();
    assertThat(f.fetchJob("default", "email").jid()).isEqualTo("default-1");
  }

  @Test
  void quietWorkerGetsNoJob() throws Exception {
    f.workers.attach(
        "w1", new WorkerInfo("w1", "h", 1, List.of(), null, null, 0, null, 0), () -> {});
    f.manager.push(job("abcdefgh", "T", "default"));
    f.workers.signal("w1", WorkerState.QUIET);
    long start = System.nanoTime();
    assertThat(f.manager.fetch("w1", List.of("default"))).isEmpty();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(f.size("default")).isEqualTo(1);
    assertThat(f.manager.fetch("other", List.of("default"))).isPresent();
  }

  @ParameterizedTest(name = "reserve_for {0} → {1} s")
  @CsvSource({
    "0, 1800",
    "20, 60",
    "-5, 60",
    "50, 60",
    "59, 60",
    "60, 60",
    "600, 600",
    "86400, 86400"
  })
  void reservationTimeoutIsClamped(int reserveFor, long seconds) throws Exception {
    f.manager.push(
        job(
            "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"reserve_for\":"
                + reserveFor
                + "}"));
    assertThat(f.manager.fetch("w", List.of("default"))).isPresent();
    var r = f.store.reservations(10).getFirst();
    assertThat(r.wid()).isEqualTo("w");
    assertThat(Duration.between(f.clock.instant(), r.expiresAt()).toSeconds()).isEqualTo(seconds);
    // the store agrees: not expired a moment before the deadline, expired at it
    assertThat(f.store.expiredReservations(r.expiresAt().minusMillis(1), 10)).isEmpty();
    assertThat(f.store.expiredReservations(r.expiresAt(), 10)).hasSize(1);
  }

  @Test
  void storedReserveForBeyondADayIsClampedAtFetch() {
    assertThat(ReserveTimeout.clamp(100000)).isEqualTo(Duration.ofSeconds(86400));
    assertThat(ReserveTimeout.clamp(86401)).isEqualTo(Duration.ofSeconds(86400));
    assertThat(ReserveTimeout.clamp(null)).isEqualTo(Duration.ofSeconds(1800));
  }

  @Test
  void blockedFetchIsWokenByAConcurrentPush() throws Exception {
    var slow = new Fixture(Duration.ofSeconds(20));
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletableFuture<Optional<byte[]>> pending = new CompletableFuture<>();
      exec.submit(
          () -> {
            try {
              pending.complete(slow.manager.fetch("", List.of("default", "email")));
            } catch (Throwable t) {
              pending.completeExceptionally(t);
            }
          });
      awaitWaiters(slow, "email", 1);
      long start = System.nanoTime();
      slow.manager.push(job("abcdefgh", "T", "email"));
      assertThat(pending.get(10, TimeUnit.SECONDS)).isPresent();
      assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(10).toNanos());
      assertThat(slow.size("email")).isZero();
    }
  }

  @Test
  void blockedFetchIsInterruptible() throws Exception {
    var slow = new Fixture(Duration.ofSeconds(20));
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    slow.manager.fetch("", List.of("default"));
                    outcome.complete(null);
                  } catch (Throwable e) {
                    outcome.complete(e);
                  }
                });
    awaitWaiters(slow, "default", 1);
    t.interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(slow.manager.waitingFetches("default")).isZero();
  }

  @Test
  void fiftyWaitingFetchesEachGetOneJob() throws Exception {
    var slow = new Fixture(Duration.ofSeconds(30));
    int n = 50;
    try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
      List<CompletableFuture<Optional<byte[]>>> results = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        CompletableFuture<Optional<byte[]>> r = new CompletableFuture<>();
        results.add(r);
        exec.submit(
            () -> {
              try {
                r.complete(slow.manager.fetch("", List.of("a", "b")));
              } catch (Throwable e) {
                r.completeExceptionally(e);
              }
            });
      }
      awaitWaiters(slow, "b", n);
      // Separate pushes racing with the wake-ups, into both queues.
      for (int i = 0; i < n; i++) {
        slow.manager.push(job("jid-" + (1000 + i), "T", i % 2 == 0 ? "a" : "b"));
      }
      for (var r : results) {
        assertThat(r.get(10, TimeUnit.SECONDS)).isPresent();
      }
      assertThat(slow.store.workingSize()).isEqualTo(n);
    }
  }

  static void awaitWaiters(Fixture fx, String queue, int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (fx.manager.waitingFetches(queue) < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fetches never blocked on " + queue);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
