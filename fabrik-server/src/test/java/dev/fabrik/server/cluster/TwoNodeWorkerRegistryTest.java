package dev.fabrik.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two nodes' registries over one shared table: the cluster rules without a database. */
class TwoNodeWorkerRegistryTest {
  private final ManualClock clock = new ManualClock();
  private final SharedWorkers table = new MemorySharedWorkers();
  private final WorkerRegistry a = new WorkerRegistry(clock, table);
  private final WorkerRegistry b = new WorkerRegistry(clock, table);

  private WorkerInfo hello(String wid) {
    return new WorkerInfo(
        wid, "h", 1, List.of(), clock.instant(), clock.instant(), 0, WorkerState.RUNNING, 1);
  }

  @Test
  void quietThroughOneNodeIsAnsweredByTheBeatOnTheOther() {
    b.attach("w1", hello("w1"), () -> {});
    List<String> released = new ArrayList<>();
    b.onStoppedRunning(released::add);
    // Node A holds no connection of w1, yet its operator signal reaches it.
    assertThat(a.signal("w1", WorkerState.QUIET)).isTrue();
    assertThat(b.beat("w1", 0, null)).contains(WorkerState.QUIET);
    assertThat(released).containsExactly("w1");
    assertThat(b.stateOf("w1")).isEqualTo(WorkerState.QUIET);
  }

  @Test
  void bothNodesListTheClusterWithItsConnectionCount() {
    a.attach("w1", hello("w1"), () -> {});
    b.attach("w1", hello("w1"), () -> {});
    b.attach("w2", hello("w2"), () -> {});
    assertThat(a.list())
        .extracting(WorkerInfo::wid, WorkerInfo::connections)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("w1", 2),
            org.assertj.core.groups.Tuple.tuple("w2", 1));
    assertThat(a.size()).isEqualTo(2);
    assertThat(b.size()).isEqualTo(2);
  }

  @Test
  void aWorkerBeatingOnAnotherNodeIsNotReapedHere() {
    AtomicInteger closedOnA = new AtomicInteger();
    a.attach("w1", hello("w1"), closedOnA::incrementAndGet); // a FETCH connection on A
    b.attach("w1", hello("w1"), () -> {}); // its heartbeat connection on B
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(30));
      assertThat(b.beat("w1", 0, null)).contains(WorkerState.RUNNING);
      assertThat(a.reap(Duration.ofSeconds(60))).isZero();
    }
    assertThat(closedOnA).hasValue(0);
    // Silent everywhere: A closes its connection and the shared record goes.
    clock.advance(Duration.ofSeconds(61));
    assertThat(a.reap(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(closedOnA).hasValue(1);
    assertThat(table.list()).isEmpty();
  }

  @Test
  void reapAppliesASignalSentThroughAnotherNode() {
    a.attach("w1", hello("w1"), () -> {});
    List<String> released = new ArrayList<>();
    a.onStoppedRunning(released::add);
    b.signal("w1", WorkerState.TERMINATE);
    a.reap(Duration.ofSeconds(60));
    assertThat(a.stateOf("w1")).isEqualTo(WorkerState.TERMINATE);
    assertThat(released).containsExactly("w1");
  }

  @Test
  void theRecordGoesWithTheLastConnectionOnAnyNode() {
    Runnable onA = () -> {};
    Runnable onB = () -> {};
    a.attach("w1", hello("w1"), onA);
    b.attach("w1", hello("w1"), onB);
    a.detach("w1", onA);
    assertThat(b.list()).singleElement().extracting(WorkerInfo::connections).isEqualTo(1);
    b.detach("w1", onB);
    assertThat(a.list()).isEmpty();
  }
}
