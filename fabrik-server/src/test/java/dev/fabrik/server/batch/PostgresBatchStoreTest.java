package dev.fabrik.server.batch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.StorageException;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL, and two nodes finishing the members of one batch. */
class PostgresBatchStoreTest extends BatchStoreContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("batch");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  @Test
  void twoNodesFinishingOneBatchCompleteItExactlyOnce() {
    try (PostgresStore other = schemas.reopen((PostgresStore) store)) {
      int members = 300;
      batches.create(fresh("b-1", null));
      for (int i = 0; i < members; i++) {
        (i % 2 == 0 ? batches : other.batches()).join("b-1", "j" + i, T0).join();
      }
      assertThat(other.batches().commit("b-1")).isTrue();
      AtomicInteger wins = new AtomicInteger();
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (int node = 0; node < 2; node++) {
        BatchStore s = node == 0 ? batches : other.batches();
        int first = node;
        runs.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = first; i < members; i += 2) {
                    s.finish("b-1", "j" + i, MemberState.SUCCEEDED);
                    if (s.markComplete("b-1", BatchRecord.ENQUEUED, T0)) {
                      wins.incrementAndGet();
                    }
                  }
                }));
      }
      runs.forEach(CompletableFuture::join);
      assertThat(wins).hasValue(1);
      assertThat(other.batches().get("b-1").orElseThrow().completeSt()).isEqualTo("1");
    }
  }

  /**
   * Two nodes firing the callbacks of the same fifty batches at once: each batch's state moves once
   * and exactly one callback job per batch is stored.
   */
  @Test
  void twoNodesFiringTheSameCallbacksStoreEachJobOnce() {
    try (PostgresStore other = schemas.reopen((PostgresStore) store)) {
      int count = 50;
      for (int i = 0; i < count; i++) {
        committed("b-" + i, null);
      }
      AtomicInteger wins = new AtomicInteger();
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (BatchStore s : List.of(batches, other.batches())) {
        runs.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < count; i++) {
                    if (s.fire("b-" + i, Callback.COMPLETE, job("cb-" + i, "callbacks"), T0)) {
                      wins.incrementAndGet();
                    }
                  }
                }));
      }
      runs.forEach(CompletableFuture::join);
      assertThat(wins).hasValue(count);
      assertThat(other.queueSize("callbacks")).isEqualTo(count);
    }
  }

  /** The job's insert fails (a NUL in its queue name): the state change rolls back with it. */
  @Test
  void aCallbackWhoseJobCannotBeStoredLeavesTheStateUnchanged() {
    committed("b-1", null);
    assertThatThrownBy(() -> batches.fire("b-1", Callback.COMPLETE, job("cb-1", "bad\u0000"), T0))
        .isInstanceOf(StorageException.class);
    assertThat(batches.get("b-1").orElseThrow().completeSt()).isEqualTo(BatchRecord.PENDING);
    assertThat(batches.fire("b-1", Callback.COMPLETE, job("cb-1", "callbacks"), T0)).isTrue();
  }

  private static QueuedJob job(String jid, String queue) {
    byte[] payload = ("{\"jid\":\"" + jid + "\",\"jobtype\":\"Cb\",\"args\":[]}").getBytes(UTF_8);
    return new QueuedJob(jid, queue, payload, 5);
  }

  @Test
  void membersWhoseJobVanishedAreSettled() {
    vanishedMembersAreSettledAfterACrash();
  }
}
