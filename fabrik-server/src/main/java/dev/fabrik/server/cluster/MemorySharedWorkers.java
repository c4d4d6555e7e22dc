package dev.fabrik.server.cluster;

import dev.fabrik.server.workers.WorkerInfo;
import dev.fabrik.server.workers.WorkerState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared worker records in memory: several registries of one JVM (tests of the cluster rules
 * without a database) share one instance. Every method holds the instance's monitor, the stand-in
 * for the database's row lock.
 */
public final class MemorySharedWorkers implements SharedWorkers {
  private final Map<String, WorkerInfo> rows = new HashMap<>();

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public synchronized void attached(WorkerInfo hello, Instant now) {
    WorkerInfo row = rows.get(hello.wid());
    if (row == null) {
      rows.put(hello.wid(), copy(hello, now, hello.rssKb(), WorkerState.RUNNING, 1));
    } else {
      rows.put(
          hello.wid(), copy(row, row.lastBeat(), row.rssKb(), row.state(), row.connections() + 1));
    }
  }

  @Override
  public synchronized void detached(String wid) {
    WorkerInfo row = rows.get(wid);
    if (row == null) {
      return;
    }
    if (row.connections() <= 1) {
      rows.remove(wid);
    } else {
      rows.put(wid, copy(row, row.lastBeat(), row.rssKb(), row.state(), row.connections() - 1));
    }
  }

  @Override
  public synchronized WorkerState beat(
      WorkerInfo local, long rssKb, WorkerState reported, Instant now) {
    WorkerInfo row = rows.get(local.wid());
    WorkerInfo base = row != null ? row : local;
    WorkerState state =
        base.state()
            .advanceTo(local.state())
            .advanceTo(reported == null ? WorkerState.RUNNING : reported);
    rows.put(local.wid(), copy(base, now, rssKb, state, base.connections()).withLoad(local.load()));
    return state;
  }

  @Override
  public synchronized boolean signal(String wid, WorkerState state) {
    WorkerInfo row = rows.get(wid);
    if (row == null) {
      return false;
    }
    rows.put(
        wid,
        copy(row, row.lastBeat(), row.rssKb(), row.state().advanceTo(state), row.connections()));
    return true;
  }

  @Override
  public synchronized List<WorkerInfo> list() {
    return new ArrayList<>(rows.values());
  }

  @Override
  public synchronized Map<String, Seen> seen(Collection<String> wids) {
    Map<String, Seen> out = new HashMap<>();
    for (String wid : wids) {
      WorkerInfo row = rows.get(wid);
      if (row != null) {
        out.put(wid, new Seen(row.lastBeat(), row.state()));
      }
    }
    return out;
  }

  @Override
  public synchronized int expire(Instant cutoff) {
    int before = rows.size();
    rows.values().removeIf(w -> w.lastBeat().isBefore(cutoff));
    return before - rows.size();
  }

  private static WorkerInfo copy(
      WorkerInfo w, Instant lastBeat, long rssKb, WorkerState state, int connections) {
    return new WorkerInfo(
        w.wid(),
        w.hostname(),
        w.pid(),
        w.labels(),
        w.startedAt(),
        lastBeat,
        rssKb,
        state,
        connections,
        w.load());
  }
}
