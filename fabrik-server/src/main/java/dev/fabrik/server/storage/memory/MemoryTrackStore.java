package dev.fabrik.server.storage.memory;

import dev.fabrik.server.tracking.TrackRecord;
import dev.fabrik.server.tracking.TrackState;
import dev.fabrik.server.tracking.TrackStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Tracking records in a map, each write applied at once under the lock (so in call order), its
 * stage already complete.
 */
final class MemoryTrackStore implements TrackStore {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Map<String, TrackRecord> records = new HashMap<>();
  private final Predicate<String> present;

  /**
   * @param present whether a jid is anywhere in the store (queued, reserved, in a set, held by a
   *     workflow); it takes the store's lock, so it is never called under this one
   */
  MemoryTrackStore(Predicate<String> present) {
    this.present = present;
  }

  @Override
  public synchronized CompletableFuture<Void> enqueued(String jid, Instant at) {
    records.put(jid, new TrackRecord(jid, TrackState.ENQUEUED, null, null, at, null));
    return DONE;
  }

  @Override
  public synchronized CompletableFuture<Void> moved(
      String jid, TrackState state, Instant at, Instant expiresAt) {
    TrackRecord old = records.get(jid);
    Integer percent = old == null ? null : old.percent();
    String desc = old == null ? null : old.desc();
    records.put(jid, new TrackRecord(jid, state, percent, desc, at, expiresAt));
    return DONE;
  }

  @Override
  public synchronized CompletableFuture<Void> progress(
      String jid, Integer percent, String desc, Instant at, Instant expiresIfNew) {
    TrackRecord old = records.get(jid);
    TrackRecord updated =
        old == null
            ? new TrackRecord(jid, TrackState.UNKNOWN, percent, desc, at, expiresIfNew)
            : new TrackRecord(
                jid,
                old.state(),
                percent != null ? percent : old.percent(),
                desc != null ? desc : old.desc(),
                at,
                old.expiresAt());
    records.put(jid, updated);
    return DONE;
  }

  @Override
  public synchronized Optional<TrackRecord> get(String jid) {
    return Optional.ofNullable(records.get(jid));
  }

  @Override
  public synchronized Map<String, TrackRecord> getAll(Collection<String> jids) {
    Map<String, TrackRecord> found = new HashMap<>();
    for (String jid : jids) {
      TrackRecord r = records.get(jid);
      if (r != null) {
        found.put(jid, r);
      }
    }
    return found;
  }

  @Override
  public synchronized int purge(Instant now, int limit) {
    int purged = 0;
    Iterator<TrackRecord> it = records.values().iterator();
    while (it.hasNext() && purged < limit) {
      if (it.next().expiredAt(now)) {
        it.remove();
        purged++;
      }
    }
    return purged;
  }

  /**
   * Picks the candidates under this lock, asks the store without it (the store's lock is taken
   * before this one on FLUSH), then settles each candidate still unchanged.
   */
  @Override
  public int settleVanished(Instant quietSince, Instant at, Instant expiresAt, int limit) {
    List<TrackRecord> quiet = new ArrayList<>();
    synchronized (this) {
      for (TrackRecord r : records.values()) {
        if (r.expiresAt() == null && r.updatedAt().isBefore(quietSince)) {
          quiet.add(r);
        }
      }
    }
    if (quiet.isEmpty()) {
      return 0; // the probe: nothing open and quiet, the store is not asked
    }
    List<TrackRecord> gone = new ArrayList<>();
    for (TrackRecord r : quiet) {
      if (gone.size() < limit && !present.test(r.jid())) {
        gone.add(r);
      }
    }
    int settled = 0;
    synchronized (this) {
      for (TrackRecord r : gone) {
        if (records.get(r.jid()) == r) {
          records.put(
              r.jid(),
              new TrackRecord(r.jid(), TrackState.UNKNOWN, r.percent(), r.desc(), at, expiresAt));
          settled++;
        }
      }
    }
    return settled;
  }

  @Override
  public synchronized long size() {
    return records.size();
  }

  /** FLUSH. */
  synchronized void clear() {
    records.clear();
  }
}
