package dev.fabrik.server.cluster;

import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The worker records every node of a cluster sees: a worker's connections may reach several nodes,
 * its BEAT reaches one, and an operator's quiet/terminate may arrive at yet another. Each node's
 * {@code WorkerRegistry} keeps the connections it holds and mirrors its records here; the state
 * only moves forward (running → quiet → terminate), so the store merges with a maximum and never
 * needs a lock: two nodes writing at once both end at the later state.
 *
 * <p>{@link #NONE} is a single process: the registry's own records are the whole truth. Every other
 * implementation passes {@code SharedWorkersContract}.
 */
public interface SharedWorkers {

  /** One process, nothing shared: every call is a no-op and {@link #shared()} is false. */
  SharedWorkers NONE = new SharedWorkers() {};

  /** Whether the records are shared (false only for {@link #NONE}). */
  default boolean shared() {
    return false;
  }

  /**
   * A connection of {@code hello.wid()} said HELLO on some node: the record is created from {@code
   * hello} (with one connection) or gains a connection.
   */
  default void attached(WorkerInfo hello, Instant now) {}

  /** One of the worker's connections closed; the record goes with its last connection. */
  default void detached(String wid) {}

  /**
   * A BEAT: records the heartbeat and RSS and merges {@code reported} into the state (forward
   * only). A record missing (expired by another node meanwhile) is re-created from {@code local}.
   *
   * @return the worker's cluster-wide state after the beat
   */
  default WorkerState beat(WorkerInfo local, long rssKb, WorkerState reported, Instant now) {
    return local.state().advanceTo(reported == null ? WorkerState.RUNNING : reported);
  }

  /** An operator's signal, forward only; false when no node knows the worker. */
  default boolean signal(String wid, WorkerState state) {
    return false;
  }

  /** Every worker of the cluster; {@code connections} counts them on all nodes. */
  default List<WorkerInfo> list() {
    return List.of();
  }

  /** Last heartbeat and state of those workers that have a record, by wid. */
  default Map<String, Seen> seen(Collection<String> wids) {
    return Map.of();
  }

  /** Deletes records whose last heartbeat is strictly before {@code cutoff}; returns how many. */
  default int expire(Instant cutoff) {
    return 0;
  }

  /** A worker's last heartbeat anywhere and its state. */
  record Seen(Instant lastBeat, WorkerState state) {}
}
