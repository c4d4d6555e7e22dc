package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueLock;
import dev.fabrik.server.unique.UniqueLocks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Unique locks in a map, under the {@link MemoryStore}'s own lock, so the claims and the push they
 * guard are one step for every other caller of the store (the store's lock is re-entrant).
 */
final class MemoryUniqueLocks implements UniqueLocks {
  private final Object lock;
  private final BiConsumer<List<QueuedJob>, List<SetEntry>> push;
  private final Map<String, UniqueLock> locks = new HashMap<>();

  /**
   * @param lock the store's lock
   * @param push the store's PUSHB, run for the jobs whose claims won
   */
  MemoryUniqueLocks(Object lock, BiConsumer<List<QueuedJob>, List<SetEntry>> push) {
    this.lock = lock;
    this.push = push;
  }

  @Override
  public CompletableFuture<Set<String>> pushAsync(
      List<QueuedJob> jobs, List<SetEntry> entries, List<UniqueClaim> claims, Instant now) {
    try {
      synchronized (lock) {
        Map<String, UniqueLock> taken = new HashMap<>();
        Set<String> refused = new HashSet<>();
        for (UniqueClaim c : claims) {
          UniqueLock held = taken.containsKey(c.key()) ? taken.get(c.key()) : locks.get(c.key());
          if (held != null && held.expiresAt().isAfter(now)) {
            refused.add(c.jid());
          } else {
            taken.put(c.key(), new UniqueLock(c.key(), c.jid(), c.expiresAt()));
          }
        }
        // The push throws when the store is closed: then no lock is taken either.
        push.accept(without(jobs, refused), withoutEntries(entries, refused));
        locks.putAll(taken);
        return CompletableFuture.completedFuture(Set.copyOf(refused));
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static List<QueuedJob> without(List<QueuedJob> jobs, Set<String> refused) {
    List<QueuedJob> kept = new ArrayList<>(jobs.size());
    for (QueuedJob j : jobs) {
      if (!refused.contains(j.jid())) {
        kept.add(j);
      }
    }
    return kept;
  }

  private static List<SetEntry> withoutEntries(List<SetEntry> entries, Set<String> refused) {
    List<SetEntry> kept = new ArrayList<>(entries.size());
    for (SetEntry e : entries) {
      if (!refused.contains(e.jid())) {
        kept.add(e);
      }
    }
    return kept;
  }

  @Override
  public CompletableFuture<Boolean> releaseAsync(String key, String jid) {
    synchronized (lock) {
      UniqueLock held = locks.get(key);
      boolean mine = held != null && held.jid().equals(jid);
      if (mine) {
        locks.remove(key);
      }
      return CompletableFuture.completedFuture(mine);
    }
  }

  @Override
  public int purgeExpired(Instant now, int limit) {
    synchronized (lock) {
      int purged = 0;
      Iterator<UniqueLock> it = locks.values().iterator();
      while (it.hasNext() && purged < limit) {
        if (!it.next().expiresAt().isAfter(now)) {
          it.remove();
          purged++;
        }
      }
      return purged;
    }
  }

  @Override
  public Optional<UniqueLock> find(String key) {
    synchronized (lock) {
      return Optional.ofNullable(locks.get(key));
    }
  }

  @Override
  public long size() {
    synchronized (lock) {
      return locks.size();
    }
  }

  void clear() {
    synchronized (lock) {
      locks.clear();
    }
  }
}
