package dev.fabrik.server.workers;

import dev.fabrik.server.cluster.SharedWorkers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker processes known from HELLOs that carried a {@code wid}, their heartbeats and their
 * quiet/terminate state (memory only, as in Faktory). A process's pooled connections share one wid;
 * the record goes away when its last connection closes or when it misses heartbeats for the TTL
 * (its connections are then closed). Thread-safe.
 *
 * <p>With several server nodes on one store the records are mirrored into {@link SharedWorkers}:
 * BEAT answers the cluster-wide state (a quiet sent through another node), {@link #signal} reaches
 * workers connected elsewhere, {@link #list} and {@link #size} count the whole cluster, and a
 * worker beating on another node does not expire here.
 */
public final class WorkerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

  private final Clock clock;
  private final SharedWorkers shared;
  private final Map<String, WorkerRecord> workers = new ConcurrentHashMap<>();
  private final AtomicLong reaped = new AtomicLong();
  private final List<Consumer<String>> stoppedRunning = new CopyOnWriteArrayList<>();

  /** A single process: nothing is shared. */
  public WorkerRegistry(Clock clock) {
    this(clock, SharedWorkers.NONE);
  }

  /** One node of a cluster whose nodes share {@code shared}. */
  public WorkerRegistry(Clock clock, SharedWorkers shared) {
    this.clock = clock;
    this.shared = shared;
  }

  /**
   * {@code listener} is told the wid of a worker the moment it leaves {@code RUNNING} (quiet or
   * terminate, by BEAT or by an operator), after the new state is visible to {@link #stateOf}: the
   * manager ends that worker's waiting FETCHes with it.
   */
  public void onStoppedRunning(Consumer<String> listener) {
    stoppedRunning.add(listener);
  }

  /**
   * A connection said HELLO with this wid; {@code onExpire} closes it when the worker expires. The
   * first connection of a wid creates the record (its HELLO names the process, and counts as a
   * heartbeat); later ones join it.
   */
  public void attach(String wid, WorkerInfo info, Runnable onExpire) {
    workers.compute(
        wid,
        (k, existing) -> {
          WorkerRecord r = existing != null ? existing : new WorkerRecord(info, clock.instant());
          r.addConnection(onExpire);
          return r;
        });
    if (shared.shared()) {
      shared.attached(info, clock.instant());
    }
  }

  /** That connection closed; the record is deleted with its last connection. */
  public void detach(String wid, Runnable onExpire) {
    boolean[] removed = new boolean[1];
    workers.computeIfPresent(
        wid,
        (k, r) -> {
          removed[0] = true;
          return r.removeConnection(onExpire) ? null : r;
        });
    if (removed[0] && shared.shared()) {
      shared.detached(wid);
    }
  }

  /**
   * BEAT: records the heartbeat and RSS, moves the state forward if the worker reports one ({@code
   * null} or {@code RUNNING} for "no state" or any other value: neither can undo quiet/terminate).
   *
   * @return the worker's state after the beat, or empty for an unknown wid
   */
  public Optional<WorkerState> beat(String wid, long rssKb, WorkerState reported) {
    return beat(wid, rssKb, WorkerLoad.UNKNOWN, reported);
  }

  /**
   * BEAT with the load the worker reported ({@link WorkerLoad#UNKNOWN} when it sent none): kept
   * with the record until the next BEAT, for the Busy page.
   */
  public Optional<WorkerState> beat(String wid, long rssKb, WorkerLoad load, WorkerState reported) {
    WorkerRecord r = wid == null ? null : workers.get(wid);
    if (r == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    WorkerState before = r.beat(now, rssKb, load, reported);
    if (shared.shared()) {
      // The cluster's state may be ahead: an operator quieted the worker through another node.
      r.advance(shared.beat(r.snapshot(wid), rssKb, reported, now));
    }
    WorkerState after = r.state();
    changed(wid, before, after);
    return Optional.of(after);
  }

  /** Operator signal (admin endpoint / CLI): forward only. False for an unknown wid. */
  public boolean signal(String wid, WorkerState state) {
    WorkerRecord r = wid == null ? null : workers.get(wid);
    boolean known = false;
    if (r != null) {
      changed(wid, r.advance(state), r.state());
      known = true;
    }
    if (wid != null && shared.shared()) {
      // Written through to the shared record; the node holding the worker's BEAT answers it.
      known |= shared.signal(wid, state);
    }
    return known;
  }

  private void changed(String wid, WorkerState before, WorkerState after) {
    if (before == WorkerState.RUNNING && after != WorkerState.RUNNING) {
      for (Consumer<String> listener : stoppedRunning) {
        listener.accept(wid);
      }
    }
  }

  /** The worker's state; {@code RUNNING} for producers (no wid) and unknown wids. */
  public WorkerState stateOf(String wid) {
    WorkerRecord r = wid == null || wid.isEmpty() ? null : workers.get(wid);
    return r == null ? WorkerState.RUNNING : r.state();
  }

  /** A snapshot of every live worker, for the admin endpoint and the Busy page. */
  public Collection<WorkerInfo> list() {
    if (shared.shared()) {
      // The shared row carries the load of the worker's last BEAT on any node; a worker beating on
      // this node shows this node's record, which may be a beat newer.
      List<WorkerInfo> rows = shared.list();
      List<WorkerInfo> out = new ArrayList<>(rows.size());
      for (WorkerInfo row : rows) {
        WorkerRecord local = workers.get(row.wid());
        out.add(local == null ? row : row.withLoad(local.load()));
      }
      return out;
    }
    List<WorkerInfo> out = new ArrayList<>(workers.size());
    workers.forEach((wid, r) -> out.add(r.snapshot(wid)));
    return out;
  }

  /** How many workers are known (INFO {@code tasks.Workers.size}). */
  public int size() {
    return shared.shared() ? shared.list().size() : workers.size();
  }

  /** Workers reaped since boot (INFO {@code tasks.Workers.reaped}). */
  public long reapedTotal() {
    return reaped.get();
  }

  /**
   * Forgets workers whose last heartbeat is strictly older than {@code ttl}, closing their
   * connections; returns how many.
   */
  public int reap(Duration ttl) {
    Instant cutoff = clock.instant().minus(ttl);
    if (shared.shared()) {
      catchUpWithCluster(cutoff);
    }
    List<WorkerRecord> expired = new ArrayList<>();
    for (String wid : workers.keySet()) {
      workers.computeIfPresent(
          wid,
          (k, r) -> {
            if (r.lastBeat().isBefore(cutoff)) {
              expired.add(r);
              return null;
            }
            return r;
          });
    }
    // Close outside the map's locks: closing a socket makes its connection call detach().
    for (WorkerRecord r : expired) {
      for (Runnable close : r.connections()) {
        try {
          close.run();
        } catch (RuntimeException e) {
          LOG.warn("closing a connection of an expired worker failed", e);
        }
      }
    }
    reaped.addAndGet(expired.size());
    return expired.size();
  }

  /**
   * Before expiring local records: a worker whose BEAT goes to another node is alive (take that
   * heartbeat), a signal sent through another node is applied here too (ending waiting FETCHes),
   * and shared records silent past the cutoff are deleted (any node may; the delete is one
   * statement).
   */
  private void catchUpWithCluster(Instant cutoff) {
    Map<String, SharedWorkers.Seen> seen = shared.seen(List.copyOf(workers.keySet()));
    seen.forEach(
        (wid, s) -> {
          WorkerRecord r = workers.get(wid);
          if (r != null) {
            r.beatElsewhere(s.lastBeat());
            changed(wid, r.advance(s.state()), r.state());
          }
        });
    shared.expire(cutoff);
  }
}
