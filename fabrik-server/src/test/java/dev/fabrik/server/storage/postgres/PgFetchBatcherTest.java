package dev.fabrik.server.storage.postgres;

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
              batches.add(batch.stream().map(PgFetchRequest::wid).toList());
              firstStarted.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              for (PgFetchRequest r : batch) {
                r.result()
                    .complete(
                        Optional.of(
                            new Reservation("j-" + r.wid(), "q", new byte[0], r.wid(), T0, T0)));
              }
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
              batch.forEach(r -> r.result().complete(Optional.empty()));
            },
            1);
    try {
      assertThatThrownBy(() -> fetch(batcher, "w")).hasMessageContaining("database gone");
      assertThat(fetch(batcher, "w")).isEmpty();
    } finally {
      batcher.close();
    }
  }

  private static Optional<Reservation> fetch(PgFetchBatcher batcher, String wid) {
    return batcher.reserve(List.of("q"), wid, T0, p -> T0);
  }
}
