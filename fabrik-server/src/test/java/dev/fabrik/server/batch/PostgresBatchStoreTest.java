package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void membersWhoseJobVanishedAreSettled() {
    vanishedMembersAreSettledAfterACrash();
  }
}
