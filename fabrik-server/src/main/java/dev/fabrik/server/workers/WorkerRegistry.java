package dev.fabrik.server.workers;

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
 */
public final class WorkerRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

  private final Clock clock;
  private final Map<String, WorkerRecord> workers = new ConcurrentHashMap<>();
  private final AtomicLong reaped = new AtomicLong();
  private final List<Consumer<String>> stoppedRunning = new CopyOnWriteArrayList<>();

  public WorkerRegistry(Clock clock) {
    this.clock = clock;
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
  }

  /** That connection closed; the record is deleted with its last connection. */
  public void detach(String wid, Runnable onExpire) {
    workers.computeIfPresent(wid, (k, r) -> r.removeConnection(onExpire) ? null : r);
  }

  /**
   * BEAT: records the heartbeat and RSS, moves the state forward if the worker reports one ({@code
   * null} or {@code RUNNING} for "no state" or any other value: neither can undo quiet/terminate).
   *
   * @return the worker's state after the beat, or empty for an unknown wid
   */
  public Optional<WorkerState> beat(String wid, long rssKb, WorkerState reported) {
    WorkerRecord r = wid == null ? null : workers.get(wid);
    if (r == null) {
      return Optional.empty();
    }
    WorkerState before = r.beat(clock.instant(), rssKb, reported);
    WorkerState after = r.state();
    changed(wid, before, after);
    return Optional.of(after);
  }

  /** Operator signal (admin endpoint / CLI): forward only. False for an unknown wid. */
  public boolean signal(String wid, WorkerState state) {
    WorkerRecord r = wid == null ? null : workers.get(wid);
    if (r == null) {
      return false;
    }
    changed(wid, r.advance(state), r.state());
    return true;
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
    List<WorkerInfo> out = new ArrayList<>(workers.size());
    workers.forEach((wid, r) -> out.add(r.snapshot(wid)));
    return out;
  }

  /** How many workers are known (INFO {@code tasks.Workers.size}). */
  public int size() {
    return workers.size();
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
}
