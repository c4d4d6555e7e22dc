package dev.fabrik.server.workers;

import java.time.Clock;
import java.util.Collection;
import java.util.Optional;

/**
 * Worker processes known from HELLOs that carried a {@code wid}, their heartbeats and their
 * quiet/terminate state (memory only, as in Faktory). A process's pooled connections share one wid;
 * the record goes away when its last connection closes or when it misses heartbeats for the TTL (its
 * connections are then closed).
 *
 * <p>SKELETON: signatures agreed between the connection layer and the manager.
 */
public final class WorkerRegistry {
  private final Clock clock;

  public WorkerRegistry(Clock clock) {
    this.clock = clock;
  }

  /** A connection said HELLO with this wid; {@code onExpire} closes it when the worker expires. */
  public void attach(String wid, WorkerInfo info, Runnable onExpire) {
    throw new UnsupportedOperationException("TODO");
  }

  /** That connection closed. */
  public void detach(String wid, Runnable onExpire) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * BEAT: records the heartbeat and RSS, moves the state forward if the worker reports one.
   *
   * @return the worker's state after the beat, or empty for an unknown wid
   */
  public Optional<WorkerState> beat(String wid, long rssKb, WorkerState reported) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Operator signal (admin endpoint / CLI): forward only. False for an unknown wid. */
  public boolean signal(String wid, WorkerState state) {
    throw new UnsupportedOperationException("TODO");
  }

  public WorkerState stateOf(String wid) {
    throw new UnsupportedOperationException("TODO");
  }

  public Collection<WorkerInfo> list() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Forgets workers silent for longer than {@code ttl}, closing their connections; returns how many. */
  public int reap(java.time.Duration ttl) {
    throw new UnsupportedOperationException("TODO");
  }
}
