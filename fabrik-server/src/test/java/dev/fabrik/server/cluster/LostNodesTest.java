package dev.fabrik.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recovery passes run for a window after a node goes silent, and not otherwise. */
class LostNodesTest {
  private static final Instant T0 = Instant.parse("2026-12-06T07:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(3);

  private final List<NodeRegistry.NodeStatus> listed = new ArrayList<>();
  private boolean unreadable;
  private final LostNodes lost =
      new LostNodes(
          () -> {
            if (unreadable) {
              throw new IllegalStateException("database down");
            }
            return List.copyOf(listed);
          },
          WINDOW);

  private static NodeRegistry.NodeStatus node(String id, boolean live, boolean self) {
    NodeInfo info = new NodeInfo(id, "host", 1, "v", List.of(), 0, T0, T0);
    return new NodeRegistry.NodeStatus(info, live, self);
  }

  @Test
  void aClusterWhoseNodesAreAllLiveIsNeverDue() {
    listed.add(node("me", true, true));
    listed.add(node("b", true, false));
    assertThat(lost.due(T0)).isFalse();
    assertThat(lost.due(T0.plus(Duration.ofHours(1)))).isFalse();
  }

  @Test
  void aNodeGoneSilentMakesThePassesDueForTheWindowOnly() {
    listed.add(node("me", true, true));
    listed.add(node("b", false, false));
    assertThat(lost.due(T0)).isTrue();
    assertThat(lost.due(T0.plus(WINDOW))).isTrue();
    assertThat(lost.due(T0.plus(WINDOW).plusSeconds(1)))
        .as("the same gone node does not start a second window")
        .isFalse();
  }

  @Test
  void anotherLossStartsANewWindowAndADeletedRowIsForgotten() {
    listed.add(node("me", true, true));
    listed.add(node("b", false, false));
    assertThat(lost.due(T0)).isTrue();
    Instant later = T0.plus(Duration.ofMinutes(10));
    assertThat(lost.due(later)).isFalse();

    listed.add(node("c", false, false));
    assertThat(lost.due(later)).isTrue();

    // b's row is deleted (silent for an hour), then a node with the same id is lost again.
    listed.removeIf(n -> n.node().id().equals("b"));
    Instant muchLater = later.plus(Duration.ofMinutes(10));
    assertThat(lost.due(muchLater)).isFalse();
    listed.add(node("b", false, false));
    assertThat(lost.due(muchLater)).isTrue();
  }

  @Test
  void thisNodeItselfNeverCountsAsLost() {
    listed.add(node("me", false, true)); // its own refresh is late (a long GC, a slow database)
    assertThat(lost.due(T0)).isFalse();
  }

  @Test
  void anUnreadableNodeListKeepsTheWindowItHad() {
    listed.add(node("b", false, false));
    assertThat(lost.due(T0)).isTrue();
    unreadable = true;
    assertThat(lost.due(T0.plusSeconds(60))).isTrue();
    assertThat(lost.due(T0.plus(WINDOW).plusSeconds(1))).isFalse();
  }
}
