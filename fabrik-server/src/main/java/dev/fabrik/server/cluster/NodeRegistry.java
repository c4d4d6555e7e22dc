package dev.fabrik.server.cluster;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.Service;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's row in the node table: written at start, refreshed every {@code refresh} (with the
 * connection count), deleted at a clean stop. A node silent for {@code goneAfter} is listed as gone
 * (it crashed or lost the database); one silent for {@code deleteAfter} is deleted by whichever
 * node refreshes next. Refreshes run on a platform thread of their own (JDBC must not pin the
 * carriers of virtual threads).
 */
public final class NodeRegistry implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

  /**
   * @param refresh how often this node writes its row
   * @param goneAfter silence after which a node is shown as gone
   * @param deleteAfter silence after which a node's row is deleted
   */
  public record Settings(Duration refresh, Duration goneAfter, Duration deleteAfter) {
    public Settings {
      if (refresh.isNegative() || refresh.isZero() || goneAfter.compareTo(refresh) <= 0) {
        throw new IllegalArgumentException("refresh must be positive and shorter than goneAfter");
      }
      if (deleteAfter.compareTo(goneAfter) < 0) {
        throw new IllegalArgumentException("deleteAfter must not be shorter than goneAfter");
      }
    }

    /** Refresh every 5 s, gone after 30 s, deleted after 1 h. */
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofHours(1));
    }
  }

  /** A node as INFO, /metrics and the web UI show it. */
  public record NodeStatus(NodeInfo node, boolean live, boolean self) {}

  private final NodeStore store;
  private final Clock clock;
  private final Settings settings;
  private final String id = newId();
  private final String hostname;
  private final String version;
  private final Supplier<List<String>> bindings;
  private final IntSupplier connections;
  private final Object lock = new Object();
  private Instant startedAt;
  private final PeriodicService runs;
  private boolean running; // guarded by lock
  private boolean stopped; // guarded by lock
  private volatile boolean failing;

  /**
   * @param bindings where this node listens, read at start (ports are bound by then)
   * @param connections this node's handshaken connections, read at each refresh
   */
  public NodeRegistry(
      NodeStore store,
      Clock clock,
      Settings settings,
      String hostname,
      String version,
      Supplier<List<String>> bindings,
      IntSupplier connections) {
    this.store = store;
    this.clock = clock;
    this.settings = settings;
    this.hostname = hostname;
    this.version = version;
    this.bindings = bindings;
    this.connections = connections;
    this.runs =
        new PeriodicService(
            "fabrik-node", settings.refresh(), settings.refresh(), this::refreshSafely);
  }

  /** This process's node id (random per start). */
  public String id() {
    return id;
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (stopped) {
        throw new IllegalStateException("the node registry was stopped; make a new one");
      }
      if (running) {
        return;
      }
      startedAt = clock.instant();
      // The first write is synchronous: a node that cannot register fails its start.
      store.upsert(self(startedAt));
      runs.start();
      running = true;
    }
  }

  private NodeInfo self(Instant now) {
    return new NodeInfo(
        id,
        hostname,
        ProcessHandle.current().pid(),
        version,
        bindings.get(),
        connections.getAsInt(),
        startedAt,
        now);
  }

  /** Writes this node's row and deletes long-silent ones (tests call it instead of waiting). */
  public void refresh() {
    Instant now = clock.instant();
    store.upsert(self(now));
    store.deleteSilentSince(now.minus(settings.deleteAfter()));
  }

  private void refreshSafely() {
    try {
      refresh();
      if (failing) {
        LOG.info("node {} refreshes its row again", id);
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn("node {} cannot refresh its row: {}", id, e.getMessage());
        failing = true;
      }
    }
  }

  /** Every node, oldest first, each marked live or gone as of now. */
  public List<NodeStatus> nodes() {
    Instant cutoff = clock.instant().minus(settings.goneAfter());
    List<NodeStatus> out = new ArrayList<>();
    for (NodeInfo n : store.nodes()) {
      out.add(new NodeStatus(n, !n.lastSeen().isBefore(cutoff), n.id().equals(id)));
    }
    return out;
  }

  /** Stops refreshing and deletes this node's row (others would show it as gone otherwise). */
  @Override
  public void stop(Duration timeout) {
    synchronized (lock) {
      if (!running) {
        return;
      }
      running = false;
      stopped = true;
    }
    runs.stop(timeout);
    try {
      store.delete(id);
    } catch (RuntimeException e) {
      LOG.warn("node {} could not delete its row; it shows as gone until deleted", id, e);
    }
  }

  private static String newId() {
    byte[] b = new byte[6];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
