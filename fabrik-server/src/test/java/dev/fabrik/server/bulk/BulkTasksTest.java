package dev.fabrik.server.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BulkTasksTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T00:00:00Z"));
  private final MemoryStore store = new MemoryStore();
  private final Manager manager =
      new Manager(
          store,
          new WorkerRegistry(clock),
          clock,
          new ManagerSettings(Duration.ofMillis(10), Duration.ofDays(180), 1_000_000, 1 << 20));
  private final List<Runnable> queued = new ArrayList<>();

  /** Tasks run when the test says so ({@link #runAll}), on the test's thread. */
  private BulkTasks tasks(int maxRunning, int maxKept, int chunk) {
    return new BulkTasks(
        store,
        manager,
        clock,
        queued::add,
        new BulkTasks.Settings(maxRunning, maxKept, Duration.ofHours(1), chunk));
  }

  private void runAll() {
    List<Runnable> now = new ArrayList<>(queued);
    queued.clear();
    now.forEach(Runnable::run);
  }

  private void add(SetName set, int n, String jobtype) {
    for (int i = 0; i < n; i++) {
      String jid = jobtype + "-" + i;
      String json =
          "{\"jid\":\"" + jid + "\",\"jobtype\":\"" + jobtype + "\",\"queue\":\"q\",\"args\":[]}";
      store.addToSet(
          set,
          clock.instant().plusSeconds(i),
          new QueuedJob(jid, "q", json.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void retriesEveryMatchingEntryInChunksAndReportsProgress() {
    add(SetName.DEAD, 25, "A");
    add(SetName.DEAD, 5, "B");
    BulkTasks tasks = tasks(4, 10, 7);

    TaskStatus started =
        tasks.start(SetName.DEAD, BulkAction.RETRY, new SetQuery("A", null, false));
    assertThat(started.state()).isEqualTo(TaskStatus.State.RUNNING);
    assertThat(started.done()).isZero();
    runAll();

    TaskStatus end = tasks.status(started.id()).orElseThrow();
    assertThat(end.state()).isEqualTo(TaskStatus.State.DONE);
    assertThat(end.done()).isEqualTo(25);
    assertThat(end.changed()).isEqualTo(25);
    assertThat(end.total()).isNull();
    assertThat(end.finishedAt()).isEqualTo(clock.instant());
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(5);
    assertThat(store.queueSize("q")).isEqualTo(25);
  }

  @Test
  void killInsideTheDeadSetVisitsEachEntryOnce() {
    add(SetName.DEAD, 12, "A");
    clock.advance(Duration.ofDays(1)); // kills re-add entries behind the last one
    BulkTasks tasks = tasks(4, 10, 5);
    String id = tasks.start(SetName.DEAD, BulkAction.KILL, SetQuery.ALL).id();
    runAll();
    TaskStatus end = tasks.status(id).orElseThrow();
    assertThat(end.state()).isEqualTo(TaskStatus.State.DONE);
    assertThat(end.total()).isEqualTo(12);
    assertThat(end.changed()).isEqualTo(12);
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(12);
  }

  @Test
  void countChangesNothing() {
    add(SetName.RETRIES, 9, "A");
    BulkTasks tasks = tasks(4, 10, 4);
    String id = tasks.start(SetName.RETRIES, BulkAction.COUNT, SetQuery.ALL).id();
    runAll();
    assertThat(tasks.status(id).orElseThrow().changed()).isEqualTo(9);
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(9);
  }

  @Test
  void boundsRunningTasksAndForgetsFinishedOnes() {
    add(SetName.DEAD, 3, "A");
    BulkTasks tasks = tasks(2, 3, 10);
    TaskStatus a = tasks.start(SetName.DEAD, BulkAction.COUNT, SetQuery.ALL);
    tasks.start(SetName.DEAD, BulkAction.COUNT, SetQuery.ALL);
    assertThatThrownBy(() -> tasks.start(SetName.DEAD, BulkAction.COUNT, SetQuery.ALL))
        .isInstanceOf(BulkTasks.Busy.class)
        .hasMessageContaining("too many bulk tasks running (2)");
    runAll();
    tasks.start(SetName.DEAD, BulkAction.COUNT, SetQuery.ALL);
    tasks.start(SetName.DEAD, BulkAction.COUNT, SetQuery.ALL);
    runAll();
    assertThat(tasks.list()).hasSize(3); // the oldest finished one made room
    assertThat(tasks.status(a.id())).isEmpty();

    clock.advance(Duration.ofHours(1).plusSeconds(1));
    assertThat(tasks.list()).isEmpty();
  }

  @Test
  void cancelStopsAfterTheChunkInHand() {
    add(SetName.DEAD, 10, "A");
    BulkTasks tasks = tasks(4, 10, 3);
    String id = tasks.start(SetName.DEAD, BulkAction.DELETE, SetQuery.ALL).id();
    tasks.cancel(id);
    runAll();
    TaskStatus end = tasks.status(id).orElseThrow();
    assertThat(end.state()).isEqualTo(TaskStatus.State.CANCELLED);
    assertThat(store.setSize(SetName.DEAD)).isEqualTo(10);
  }

  @Test
  void unknownActionIsRefusedWithTheAcceptedOnes() {
    assertThatThrownBy(() -> BulkAction.parse("resurrect"))
        .hasMessageContaining("use retry, enqueue, delete, kill or count");
    assertThat(BulkAction.parse(" Retry ")).isEqualTo(BulkAction.RETRY);
  }
}
