package dev.fabrik.server.storage.postgres;

import static dev.fabrik.server.batch.BatchJoinRaceContract.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.CommandException;
import dev.fabrik.server.batch.BatchRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PUSH refused in the group commit because its batch went away after it joined ({@link
 * PgBatchJoins}) fails alone: the other PUSHes committed in the same transaction are stored.
 */
class PgBatchJoinGroupTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgjoingroup");

  private PostgresStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aRefusedPushLeavesTheOtherPushesOfItsGroupStored() throws Exception {
    store = schemas.newStore();
    store
        .batches()
        .create(
            BatchRecord.created(
                "b-1", null, "race", T0, T0.plusSeconds(1800), "{\"jobtype\":\"Done\"}", null));
    assertThat(store.batches().join("b-1", "j1", T0).join()).isTrue();
    store.flush();

    // The first batch waits before its COMMIT while holding the statement turn, so the two PUSHes
    // submitted meanwhile are taken together into the next batch.
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    List<Integer> inserted = new CopyOnWriteArrayList<>();
    store
        .writes()
        .beforeCommit(
            (jobs, acks, c) -> {
              inserted.add(jobs);
              if (first.getAndSet(false)) {
                entered.countDown();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    CompletableFuture<Void> blocker = store.enqueueAsync(List.of(member("j0", null)));
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> joined = store.enqueueAsync(List.of(member("j1", "b-1")));
    CompletableFuture<Void> plain = store.enqueueAsync(List.of(member("j2", null)));
    release.countDown();

    blocker.get(30, TimeUnit.SECONDS);
    plain.get(30, TimeUnit.SECONDS);
    assertThatThrownBy(joined::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("unknown batch b-1");
    assertThat(inserted)
        .as("jobs per batch: the refused PUSH shared the second")
        .containsExactly(1, 1);
    assertThat(store.queueSize("q")).isEqualTo(2);
  }
}
