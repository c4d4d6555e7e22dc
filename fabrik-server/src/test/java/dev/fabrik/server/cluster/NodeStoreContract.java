package dev.fabrik.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every node table does; each implementation runs it through a subclass. */
public abstract class NodeStoreContract {
  private static final Instant T0 = Instant.parse("2026-12-05T21:00:00Z");

  /** A fresh, empty table. */
  protected abstract NodeStore store();

  private static NodeInfo node(String id, Instant started) {
    return new NodeInfo(
        id, "host-" + id, 7, "0.1.0", List.of("tcp://127.0.0.1:7419"), 3, started, started);
  }

  @Test
  void upsertInsertsThenRefreshes() {
    NodeStore s = store();
    s.upsert(node("b", T0.plusSeconds(1)));
    s.upsert(node("a", T0));
    assertThat(s.nodes()).extracting(NodeInfo::id).containsExactly("a", "b");
    s.upsert(node("a", T0).seen(T0.plusSeconds(10), 9));
    NodeInfo a = s.nodes().getFirst();
    assertThat(a).isEqualTo(node("a", T0).seen(T0.plusSeconds(10), 9));
    assertThat(a.bindings()).containsExactly("tcp://127.0.0.1:7419");
  }

  @Test
  void deleteSilentSinceKeepsNodesSeenAtOrAfterTheCutoff() {
    NodeStore s = store();
    s.upsert(node("old", T0));
    s.upsert(node("new", T0.plusSeconds(30)));
    assertThat(s.deleteSilentSince(T0.plusSeconds(30))).isEqualTo(1);
    assertThat(s.nodes()).extracting(NodeInfo::id).containsExactly("new");
  }

  @Test
  void deleteOneNode() {
    NodeStore s = store();
    s.upsert(node("a", T0));
    assertThat(s.delete("a")).isTrue();
    assertThat(s.delete("a")).isFalse();
    assertThat(s.nodes()).isEmpty();
  }
}
