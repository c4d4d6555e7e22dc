package dev.fabrik.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {
  private final ManualClock clock = new ManualClock();
  private final NodeStore table = new MemoryNodeStore();
  private final AtomicInteger connections = new AtomicInteger(3);
  private final NodeRegistry.Settings settings =
      new NodeRegistry.Settings(
          Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(10)); // refreshes by hand
  private final NodeRegistry one = node("one-host");
  private final NodeRegistry two = node("two-host");

  private NodeRegistry node(String host) {
    return new NodeRegistry(
        table,
        clock,
        settings,
        host,
        "0.1.0",
        () -> List.of("tcp://127.0.0.1:1"),
        connections::get);
  }

  @AfterEach
  void stop() {
    one.stop(Duration.ofSeconds(1));
    two.stop(Duration.ofSeconds(1));
  }

  @Test
  void startRegistersAndEveryNodeSeesTheOthers() {
    one.start();
    clock.advance(Duration.ofSeconds(1));
    two.start();
    assertThat(one.nodes())
        .extracting(
            s -> s.node().hostname(), NodeRegistry.NodeStatus::live, NodeRegistry.NodeStatus::self)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("one-host", true, true),
            org.assertj.core.groups.Tuple.tuple("two-host", true, false));
    assertThat(one.id()).isNotEqualTo(two.id());
  }

  @Test
  void aSilentNodeIsGoneAfterTheTtlAndDeletedLater() {
    one.start();
    two.start();
    clock.advance(Duration.ofHours(2).plusSeconds(1));
    connections.set(5);
    one.refresh();
    assertThat(one.nodes())
        .extracting(s -> s.node().id(), NodeRegistry.NodeStatus::live)
        .containsExactlyInAnyOrder( // started at one instant: their order is their random ids'
            org.assertj.core.groups.Tuple.tuple(one.id(), true),
            org.assertj.core.groups.Tuple.tuple(two.id(), false));
    assertThat(one.nodes())
        .filteredOn(NodeRegistry.NodeStatus::self)
        .singleElement()
        .extracting(s -> s.node().connections())
        .isEqualTo(5);
    clock.advance(Duration.ofHours(8));
    one.refresh();
    assertThat(one.nodes()).extracting(s -> s.node().id()).containsExactly(one.id());
  }

  @Test
  void aCleanStopLeavesTheTable() {
    one.start();
    two.start();
    two.stop(Duration.ofSeconds(1));
    assertThat(one.nodes()).extracting(s -> s.node().id()).containsExactly(one.id());
  }

  @Test
  void aRefreshRecreatesARowDeletedWhileThisNodeWasPaused() {
    one.start();
    table.delete(one.id());
    one.refresh();
    assertThat(table.nodes()).extracting(NodeInfo::id).containsExactly(one.id());
  }
}
