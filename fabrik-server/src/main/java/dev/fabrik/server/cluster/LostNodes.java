package dev.fabrik.server.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Due for a while after a node sharing the store went silent: from the first time this node sees it
 * gone (no refresh for the registry's {@code goneAfter}) and for {@code window} after that, so the
 * passes in that window also judge what the lost node did just before it died (a pass judges only
 * rows older than its grace). A node already seen gone does not make it due again; a node whose row
 * was deleted is forgotten. One instance per consumer: each keeps its own window.
 *
 * <p>A node that restarts after a crash gets a new id, and its own start runs a pass; a single
 * process store (memory, SQLite) never lists another node, so its passes run only at start.
 */
public final class LostNodes implements RecoveryTrigger {
  private static final Logger log = LoggerFactory.getLogger(LostNodes.class);

  private final Supplier<List<NodeRegistry.NodeStatus>> nodes;
  private final Duration window;
  private final Set<String> seenGone = new HashSet<>();
  private Instant dueUntil;

  public LostNodes(Supplier<List<NodeRegistry.NodeStatus>> nodes, Duration window) {
    this.nodes = nodes;
    this.window = window;
  }

  @Override
  public synchronized boolean due(Instant now) {
    try {
      Set<String> gone = new HashSet<>();
      for (NodeRegistry.NodeStatus n : nodes.get()) {
        if (!n.live() && !n.self()) {
          gone.add(n.node().id());
        }
      }
      seenGone.retainAll(gone);
      if (!seenGone.containsAll(gone)) {
        gone.removeAll(seenGone);
        log.info("nodes {} went silent: recovery passes run until {}", gone, now.plus(window));
        seenGone.addAll(gone);
        dueUntil = now.plus(window);
      }
    } catch (RuntimeException e) {
      // The store cannot list the nodes now: keep the window as it is and look again next time.
      log.debug("cannot read the nodes: {}", e.toString());
    }
    return dueUntil != null && !now.isAfter(dueUntil);
  }
}
