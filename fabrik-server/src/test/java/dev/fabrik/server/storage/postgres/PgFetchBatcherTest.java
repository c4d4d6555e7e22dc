package dev.fabrik.server.storage.postgres;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fabrik.server.storage.Reservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The combining of {@link PgFetchBatcher}, without a database. */
class PgFetchBatcherTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void requestsArrivingWhileABatchIsServedAreServedTogetherInArrivalOrder() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PgFetchBatcher batcher =
        new PgFetchBatcher(
            batch -> {
              holdUntilReleased(batch, batches, firstStarted, release);
              return () -> batch.forEach(PgFetchBatcherTest::reserveFor);
            },
            1);
    // A thread per caller: each blocks in reserve() until its batch is served.
    ExecutorService callers = Executors.newCachedThreadPool();
    try {
      CompletableFuture<Optional<Reservation>> first =
          CompletableFuture.supplyAsync(() -> fetch(batcher, "w0"), callers);
      firstStarted.await();
      List<CompletableFuture<Optional<Reservation>>> later = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        String wid = "w" + i;
        later.add(CompletableFuture.supplyAsync(() -> fetch(batcher, wid), callers));
        int queued = i;
        await().until(() -> batcher.waiting() == queued); // keeps the arrival order known
      }
      release.countDown();
      assertThat(first.get()).map(Reservation::jid).contains("j-w0");
      for (int i = 0; i < later.size(); i++) {
        assertThat(later.get(i).get()).map(Reservation::jid).contains("j-w" + (i + 1));
      }
      assertThat(batches)
          .containsExactly(
              List.of("w0"), List.of("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10"));
    } finally {
      release.countDown();
      batcher.close();
      callers.shutdownNow();
    }
  }

  @Test
  void aFailingBatchFailsEachOfItsCallersAndTheNextBatchIsServed() {
    List<Integer> calls = new CopyOnWriteArrayList<>();
    PgFetchBatcher batcher =
        new PgFetchBatcher(
            batch -> {
              calls.add(batch.size());
              if (calls.size() == 1) {
                throw new IllegalStateException("database gone");
              }
              return () -> batch.forEach(r -> r.result().complete(Optional.empty()));
            },
            1);
    try {
      assertThatThrownBy(() -> fetch(batcher, "w")).hasMessageContaining("database gone");
      assertThat(fetch(batcher, "w")).isEmpty();
    } finally {
      batcher.close();
    }
  }

  @Test
  void oneClaimRunsAtATimeAndTheWaitingReserverTakesEverythingThatArrivedMeanwhile()
      throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    AtomicInteger claimsRunning = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PgFetchBatcher batcher =
        new PgFetchBatcher(
            batch -> {
              mostAtOnce.accumulateAndGet(claimsRunning.incrementAndGet(), Math::max);
              holdUntilReleased(batch, batches, firstStarted, release);
              claimsRunning.decrementAndGet();
              return () -> batch.forEach(PgFetchBatcherTest::reserveFor);
            },
            2);
    try {
      CompletableFuture<Optional<Reservation>> first = fetchAsync(batcher, "w0");
      firstStarted.await();
      CompletableFuture<Optional<Reservation>> second = fetchAsync(batcher, "w1");
      // The other reserver took w1 and now waits for the running claim to end.
      await().until(() -> batcher.waiting() == 0 && batcher.claimWaiting());
      List<CompletableFuture<Optional<Reservation>>> later = new ArrayList<>();
      for (int i = 2; i <= 5; i++) {
        later.add(fetchAsync(batcher, "w" + i));
      }
      release.countDown();
      assertThat(first.get()).map(Reservation::jid).contains("j-w0");
      assertThat(second.get()).map(Reservation::jid).contains("j-w1");
      for (int i = 0; i < later.size(); i++) {
        assertThat(later.get(i).get()).map(Reservation::jid).contains("j-w" + (i + 2));
      }
      assertThat(mostAtOnce).hasValue(1);
      assertThat(batches.getFirst()).containsExactly("w0");
      // w1's reserver gathered the requests that arrived while it waited for the lock (the first
      // reserver, done answering, may take some of them only if they arrived after that).
      assertThat(batches.get(1)).startsWith("w1");
      assertThat(batches.stream().flatMap(List::stream))
          .containsExactlyInAnyOrder("w0", "w1", "w2", "w3", "w4", "w5");
    } finally {
      release.countDown();
      batcher.close();
    }
  }

  @Test
  void answersAreGivenAfterTheClaimIsLetGoSoAnAnswerThatWaitsDoesNotHoldTheNextClaim()
      throws Exception {
    AtomicReference<PgFetchBatcher> self = new AtomicReference<>();
    CompletableFuture<Optional<Reservation>> second = new CompletableFuture<>();
    // The answer to w0 (like writing its reply) runs on its reserver and waits there until w1,
    // sent from inside it, has its job: only the other reserver can claim that one, and only if
    // the first let the claim go before answering.
    PgFetchBatcher batcher =
        new PgFetchBatcher(
            batch ->
                () -> {
                  for (PgFetchRequest r : batch) {
                    if (r.wid().equals("w0")) {
                      second.complete(fetchAsync(self.get(), "w1").orTimeout(30, SECONDS).join());
                    }
                    reserveFor(r);
                  }
                },
            2);
    self.set(batcher);
    try {
      assertThat(fetchAsync(batcher, "w0").get(60, SECONDS)).map(Reservation::jid).contains("j-w0");
      assertThat(second.get()).map(Reservation::jid).contains("j-w1");
    } finally {
      batcher.close();
    }
  }

  /** A claim that notes its batch's wids, says it started and waits until released. */
  private static void holdUntilReleased(
      List<PgFetchRequest> batch,
      List<List<String>> batches,
      CountDownLatch started,
      CountDownLatch release) {
    batches.add(batch.stream().map(PgFetchRequest::wid).toList());
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reserveFor(PgFetchRequest r) {
    r.result()
        .complete(Optional.of(new Reservation("j-" + r.wid(), "q", new byte[0], r.wid(), T0, T0)));
  }

  private static CompletableFuture<Optional<Reservation>> fetchAsync(
      PgFetchBatcher batcher, String wid) {
    return batcher.reserveAsync(List.of("q"), wid, T0, p -> T0);
  }

  private static Optional<Reservation> fetch(PgFetchBatcher batcher, String wid) {
    return batcher.reserve(List.of("q"), wid, T0, p -> T0);
  }
}
