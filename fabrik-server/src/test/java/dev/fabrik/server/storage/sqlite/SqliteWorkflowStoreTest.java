package dev.fabrik.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Durability;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workflow.WorkflowCounters;
import dev.fabrik.server.workflow.WorkflowRules;
import dev.fabrik.server.workflow.WorkflowState;
import dev.fabrik.server.workflow.WorkflowStoreContract;
import dev.fabrik.server.workflow.Workflows;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteWorkflowStoreTest extends WorkflowStoreContract {
  @TempDir Path dir;

  @Override
  protected Store open() {
    return SqliteStore.open(dir, Durability.PROCESS_CRASH);
  }

  @Test
  void heldJobsAndEdgesSurviveARestart() {
    rules.push(List.of(job("a"), job("b", "a")), T0, DEAD_UNTIL);
    store.close();
    store = SqliteStore.open(dir, Durability.PROCESS_CRASH);
    rules = new WorkflowRules(store.workflows(), java.time.Duration.ofHours(1));
    assertThat(store.workflows().row("b").orElseThrow().state()).isEqualTo(WorkflowState.HELD);
    assertThat(store.browse("wf", 0, 10)).extracting(QueuedJob::jid).containsExactly("a");
    store.acknowledge(
        store.reserve(List.of("wf"), "w", T0, p -> T0.plusSeconds(60)).orElseThrow().jid());
    assertThat(rules.succeeded("a", T0).released()).isOne();
    assertThat(store.browse("wf", 0, 10)).extracting(QueuedJob::jid).containsExactly("b");
  }

  /**
   * kill -9 between an ACK's commit and the release of its dependents: the row stays ACTIVE while
   * the job is gone; the recovery pass at start completes the success.
   */
  @Test
  void anAckCommittedBeforeACrashReleasesItsDependentsAtStart() {
    rules.push(List.of(job("a"), job("b", "a"), job("c")), T0, DEAD_UNTIL);
    store.acknowledge(
        store.reserve(List.of("wf"), "w", T0, p -> T0.plusSeconds(60)).orElseThrow().jid());
    store.close(); // the release never ran
    store = SqliteStore.open(dir, Durability.PROCESS_CRASH);
    Workflows flows =
        new Workflows(
            store.workflows(),
            java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC),
            java.time.Duration.ofHours(1),
            java.time.Duration.ofDays(1),
            WorkflowCounters.NONE,
            new dev.fabrik.server.fate.FateSweep(
                store.fates(), java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC)),
            dev.fabrik.server.cluster.RecoveryTrigger.ALWAYS);
    assertThat(flows.recover()).isOne();
    assertThat(store.browse("wf", 0, 10)).extracting(QueuedJob::jid).containsExactly("c", "b");
    assertThat(store.workflows().row("a").orElseThrow().state()).isEqualTo(WorkflowState.DONE);
    assertThat(flows.recover()).isZero();
  }
}
