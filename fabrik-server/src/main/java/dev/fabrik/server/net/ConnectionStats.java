package dev.fabrik.server.net;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What INFO reports about the network side: live handshaken connections and commands dispatched
 * since boot. Made before the listener so INFO (which the listener's command table holds) can read
 * it without a cycle.
 */
public final class ConnectionStats {
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong commands = new AtomicLong();

  /** Connections that completed the handshake and are still open. */
  public int connections() {
    return connections.get();
  }

  /** Commands dispatched since start. */
  public long commandCount() {
    return commands.get();
  }

  int connected() {
    return connections.incrementAndGet();
  }

  void disconnected() {
    connections.decrementAndGet();
  }

  void commandDispatched() {
    commands.incrementAndGet();
  }
}
