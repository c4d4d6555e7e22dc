package dev.fabrik.server.storage.memory;

import dev.fabrik.server.fate.JobFates;
import dev.fabrik.server.storage.FailureDecision;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * {@link JobFates} in a map, changed under the memory store's lock ({@link #record} from its FAIL).
 * A crash empties this store with everything else, so nothing reads the rows after one; they are
 * kept so the store behaves as the others do.
 */
final class MemoryJobFates implements JobFates {
  private final Object lock;
  private final Map<String, Instant> discarded = new HashMap<>();

  MemoryJobFates(Object lock) {
    this.lock = lock;
  }

  /** Under the store's lock, in the FAIL: a discard that asked for it leaves its row. */
  void record(String jid, FailureDecision.Discard discard) {
    if (discard.fateAt() != null) {
      discarded.put(jid, discard.fateAt());
    }
  }

  /** FLUSH, under the store's lock. */
  void clear() {
    discarded.clear();
  }

  @Override
  public Optional<Instant> discardedAt(String jid) {
    synchronized (lock) {
      return Optional.ofNullable(discarded.get(jid));
    }
  }

  @Override
  public int purge(Instant before, int limit) {
    synchronized (lock) {
      int purged = 0;
      Iterator<Instant> it = discarded.values().iterator();
      while (it.hasNext() && purged < limit) {
        if (!it.next().isAfter(before)) {
          it.remove();
          purged++;
        }
      }
      return purged;
    }
  }
}
