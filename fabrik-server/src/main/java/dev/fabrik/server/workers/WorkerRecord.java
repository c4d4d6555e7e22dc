package dev.fabrik.server.workers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One worker process: what its first HELLO said, its heartbeats and state, and the close actions of
 * every connection that shares its wid. Guarded by its own monitor; membership in the registry is
 * changed only inside {@code ConcurrentHashMap.compute} so attach and the last detach cannot race.
 */
final class WorkerRecord {
  private final WorkerInfo hello;
  private final List<Runnable> connections = new ArrayList<>();
  private Instant lastBeat;
  private long rssKb;
  private WorkerLoad load = WorkerLoad.UNKNOWN;
  private WorkerState state = WorkerState.RUNNING;

  WorkerRecord(WorkerInfo hello, Instant now) {
    this.hello = hello;
    this.lastBeat = now;
    this.rssKb = hello == null ? 0 : hello.rssKb();
  }

  synchronized void addConnection(Runnable onExpire) {
    connections.add(onExpire);
  }

  /** Removes by identity; true when no connection is left. */
  synchronized boolean removeConnection(Runnable onExpire) {
    for (int i = 0; i < connections.size(); i++) {
      if (connections.get(i) == onExpire) {
        connections.remove(i);
        break;
      }
    }
    return connections.isEmpty();
  }

  synchronized List<Runnable> connections() {
    return List.copyOf(connections);
  }

  /** Records a heartbeat; returns the state it had before (the new one is {@link #state()}). */
  synchronized WorkerState beat(
      Instant now, long rss, WorkerLoad reportedLoad, WorkerState reported) {
    lastBeat = now;
    rssKb = rss;
    load = reportedLoad;
    WorkerState before = state;
    if (reported != null) {
      state = state.advanceTo(reported);
    }
    return before;
  }

  /** Moves the state forward; returns the state it had before. */
  synchronized WorkerState advance(WorkerState next) {
    WorkerState before = state;
    state = state.advanceTo(next);
    return before;
  }

  /** A heartbeat that reached another node of the cluster: keeps the worker from expiring here. */
  synchronized void beatElsewhere(Instant at) {
    if (at.isAfter(lastBeat)) {
      lastBeat = at;
    }
  }

  synchronized WorkerState state() {
    return state;
  }

  synchronized Instant lastBeat() {
    return lastBeat;
  }

  synchronized WorkerInfo snapshot(String wid) {
    WorkerInfo h = hello;
    return new WorkerInfo(
        wid,
        h == null ? null : h.hostname(),
        h == null ? 0 : h.pid(),
        h == null || h.labels() == null ? List.of() : h.labels(),
        h == null || h.startedAt() == null ? lastBeat : h.startedAt(),
        lastBeat,
        rssKb,
        state,
        connections.size(),
        load);
  }

  synchronized WorkerLoad load() {
    return load;
  }
}
