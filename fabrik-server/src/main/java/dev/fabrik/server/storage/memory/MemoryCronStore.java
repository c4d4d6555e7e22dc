package dev.fabrik.server.storage.memory;

import dev.fabrik.server.cron.CronStore;
import dev.fabrik.server.storage.QueuedJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Cron state on the heap. A claim checks and moves the last tick and enqueues the tick's job under
 * the {@link MemoryStore}'s one lock, so it is atomic with respect to every other store call.
 */
final class MemoryCronStore implements CronStore {
  private final Object lock;
  private final BiConsumer<QueuedJob, Map<String, Integer>> pushLocked;
  private final Consumer<Map<String, Integer>> notify;
  private final Map<String, TickState> states = new HashMap<>();
  private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>();

  /**
   * @param lock the store's lock
   * @param pushLocked appends a job to its queue (called holding {@code lock}), counting it
   * @param notify tells fetch waiters, called after the lock is released
   */
  MemoryCronStore(
      Object lock,
      BiConsumer<QueuedJob, Map<String, Integer>> pushLocked,
      Consumer<Map<String, Integer>> notify) {
    this.lock = lock;
    this.pushLocked = pushLocked;
    this.notify = notify;
  }

  @Override
  public Map<String, TickState> ensure(Collection<String> entryIds, Instant since) {
    synchronized (lock) {
      Map<String, TickState> out = new HashMap<>();
      for (String entryId : entryIds) {
        out.put(
            entryId,
            states.computeIfAbsent(entryId, id -> new TickState(id, since, null, null, false)));
      }
      return out;
    }
  }

  @Override
  public Optional<TickState> state(String entryId) {
    synchronized (lock) {
      return Optional.ofNullable(states.get(entryId));
    }
  }

  @Override
  public Map<String, TickState> states() {
    synchronized (lock) {
      return Map.copyOf(states);
    }
  }

  @Override
  public boolean claimTick(String entryId, Instant expectedLastTick, Instant tick, QueuedJob job) {
    Map<String, Integer> added = new LinkedHashMap<>();
    synchronized (lock) {
      TickState s = states.get(entryId);
      if (s == null || s.paused() || !Objects.equals(s.lastTick(), expectedLastTick)) {
        return false;
      }
      if (job != null) {
        pushLocked.accept(job, added);
        states.put(entryId, new TickState(entryId, tick, job.jid(), tick, false));
      } else {
        states.put(entryId, new TickState(entryId, tick, s.lastJid(), s.lastRunAt(), false));
      }
    }
    notify.accept(added);
    return true;
  }

  @Override
  public void runNow(String entryId, Instant at, QueuedJob job) {
    Map<String, Integer> added = new LinkedHashMap<>();
    synchronized (lock) {
      TickState s = states.getOrDefault(entryId, new TickState(entryId, at, null, null, false));
      pushLocked.accept(job, added);
      states.put(entryId, new TickState(entryId, s.lastTick(), job.jid(), at, s.paused()));
    }
    notify.accept(added);
  }

  @Override
  public void pause(String entryId) {
    synchronized (lock) {
      TickState s = states.get(entryId);
      if (s != null) {
        states.put(entryId, new TickState(entryId, s.lastTick(), s.lastJid(), s.lastRunAt(), true));
      }
    }
  }

  @Override
  public void resume(String entryId, Instant now) {
    synchronized (lock) {
      TickState s = states.get(entryId);
      if (s != null && s.paused()) {
        Instant from = s.lastTick().isAfter(now) ? s.lastTick() : now;
        states.put(entryId, new TickState(entryId, from, s.lastJid(), s.lastRunAt(), false));
      }
    }
  }

  @Override
  public void saveEntry(String id, byte[] definition) {
    synchronized (lock) {
      entries.put(id, definition.clone());
    }
  }

  @Override
  public boolean removeEntry(String id) {
    synchronized (lock) {
      states.remove(id);
      return entries.remove(id) != null;
    }
  }

  @Override
  public List<StoredEntry> entries() {
    synchronized (lock) {
      List<StoredEntry> out = new ArrayList<>();
      entries.forEach((id, d) -> out.add(new StoredEntry(id, d.clone())));
      return out;
    }
  }
}
