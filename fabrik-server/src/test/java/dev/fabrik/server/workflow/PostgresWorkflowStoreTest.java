package dev.fabrik.server.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.postgres.PgSchemas;
import dev.fabrik.server.storage.postgres.PostgresStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL, and successes racing through two nodes on one schema. */
class PostgresWorkflowStoreTest extends WorkflowStoreContract {
  @RegisterExtension final PgSchemas schemas = new PgSchemas("wf");

  @Override
  protected Store open() {
    return schemas.newStore();
  }

  /**
   * A diamond per round (root → 2 middles → sink): the middles succeed at once on two nodes; the
   * sink is released exactly once, by whichever node resolved the last edge.
   */
  @Test
  void twoNodesReleaseEachFanInOnce() {
    try (PostgresStore other = schemas.reopen((PostgresStore) store)) {
      WorkflowRules mine = rules;
      WorkflowRules theirs = new WorkflowRules(other.workflows(), Duration.ofHours(1));
      int rounds = 30;
      List<WorkflowRules.Submitted> jobs = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        jobs.add(job("l" + i));
        jobs.add(job("r" + i));
        jobs.add(job("s" + i, "l" + i, "r" + i));
      }
      assertThat(mine.push(jobs, T0, DEAD_UNTIL)).isEmpty();
      int released = 0;
      for (int i = 0; i < rounds; i++) {
        String l = "l" + i;
        String r = "r" + i;
        CompletableFuture<Integer> a =
            CompletableFuture.supplyAsync(() -> mine.succeeded(l, T0).released());
        CompletableFuture<Integer> b =
            CompletableFuture.supplyAsync(() -> theirs.succeeded(r, T0).released());
        released += a.join() + b.join();
      }
      assertThat(released).isEqualTo(rounds);
      List<String> sinks = new ArrayList<>();
      for (QueuedJob q : store.browse("wf", 0, 1000)) {
        if (q.jid().startsWith("s")) {
          sinks.add(q.jid());
        }
      }
      assertThat(sinks).hasSize(rounds).doesNotHaveDuplicates();
    }
  }
}
