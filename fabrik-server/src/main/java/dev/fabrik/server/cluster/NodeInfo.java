package dev.fabrik.server.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One server node as the node table keeps it: who it is and when it last said it was alive.
 *
 * @param id random per process start, so a restarted node is a new row
 * @param bindings where it listens, e.g. {@code ["tcp://127.0.0.1:7419", "http://127.0.0.1:7420"]}
 * @param connections handshaken command connections at its last refresh
 */
public record NodeInfo(
    String id,
    String hostname,
    long pid,
    String version,
    List<String> bindings,
    int connections,
    Instant startedAt,
    Instant lastSeen) {

  public NodeInfo {
    Objects.requireNonNull(id, "id");
    bindings = List.copyOf(bindings);
  }

  /** The same node, seen again at {@code now} with {@code connections}. */
  public NodeInfo seen(Instant now, int connections) {
    return new NodeInfo(id, hostname, pid, version, bindings, connections, startedAt, now);
  }
}
