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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PgBatchJoins}: a PUSH refused in the group commit because its batch went away after it
 * joined fails alone (the other PUSHes committed in the same transaction are stored); a note whose
 * PUSH was refused at its join is never removed by a commit, so old ones are swept once many piled
 * up, while young ones stay (their PUSH may still be storing its job).
 */
class PgBatchJoinsTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  @RegisterExtension final PgSchemas schemas = new PgSchemas("pgjoins");

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

  @Test
  void staleNotesGoOnceManyPiledUpAndYoungOnesStay() {
    store = schemas.newStore();
    AtomicLong now = new AtomicLong();
    PgBatchJoins joins = new PgBatchJoins(store.database(), now::get);
    for (int i = 0; i < PgBatchJoins.SWEEP_ABOVE - 1; i++) {
      joins.joining("b-1", "old-" + i);
    }
    now.set(PgBatchJoins.STALE_NANOS);
    joins.joining("b-1", "young");
    assertThat(joins.noted("old-0")).as("not swept below the threshold").isTrue();

    now.set(PgBatchJoins.STALE_NANOS + 1);
    joins.joining("b-1", "fresh");
    assertThat(joins.noted("old-0")).isFalse();
    assertThat(joins.noted("old-" + (PgBatchJoins.SWEEP_ABOVE - 2))).isFalse();
    assertThat(joins.noted("young")).isTrue();
    assertThat(joins.noted("fresh")).isTrue();

    joins.left("other-batch", "fresh");
    assertThat(joins.noted("fresh")).as("only its own batch's leave removes it").isTrue();
    joins.left("b-1", "fresh");
    assertThat(joins.noted("fresh")).isFalse();
  }
}
