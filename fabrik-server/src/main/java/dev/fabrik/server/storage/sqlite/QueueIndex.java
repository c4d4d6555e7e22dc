package dev.fabrik.server.storage.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What makes FETCH a memory operation: every known queue's committed jobs as a FIFO of row ids per
 * priority level ({@link PriorityRings}), the paused flags, and a byte-budgeted cache of payloads
 * held in the rings' own slots (no map: ten million queued jobs cost 8 bytes each plus whatever the
 * budget allows). Jobs enter only after their insert committed (the writer calls {@link #append}
 * from its commit hook). A job popped here stays in the database until it is acknowledged or
 * failed.
 *
 * <p>Thread-safe with one monitor; nothing in here does I/O.
 */
final class QueueIndex {

  /** A job's jid and payload kept in memory so a fetch needs no read. */
  record Cached(String jid, byte[] payload) {}

  /** A job taken from a queue; {@code cached} is null when its payload must be read back. */
  record Popped(String queue, long id, Cached cached) {}

  /** Rough heap cost of one cache entry besides its payload and jid (record, jid header). */
  private static final int ENTRY_OVERHEAD = 64;

  private final Map<String, PriorityRings> rings = new HashMap<>();
  private final Set<String> paused = new HashSet<>();
  private final long cacheBudget;
  private long cachedBytes;

  QueueIndex(long cacheBudgetBytes) {
    this.cacheBudget = cacheBudgetBytes;
  }

  /** Makes a queue known (it may stay empty). */
  synchronized void register(String queue) {
    rings.computeIfAbsent(queue, q -> new PriorityRings());
  }

  /**
   * Appends committed jobs to the back of their queues, in order, caching payloads while the budget
   * allows. One lock for a whole commit: fetchers wait once, not once per job.
   */
  synchronized void appendAll(List<JobWrites.Row> rows) {
    PriorityRings ring = null;
    String ringName = null;
    for (JobWrites.Row row : rows) {
      if (!row.queue().equals(ringName)) {
        ringName = row.queue();
        ring = rings.computeIfAbsent(ringName, q -> new PriorityRings());
      }
      Cached cached = null;
      long cost = cost(row.jid(), row.payload());
      if (cachedBytes + cost <= cacheBudget) {
        cached = new Cached(row.jid(), row.payload());
        cachedBytes += cost;
      }
      ring.addLast(row.priority(), row.id(), cached);
    }
  }

  /**
   * Appends recovered jobs {@code from..to} (inclusive) of one priority; their payloads stay on
   * disk.
   */
  synchronized void appendIds(String queue, int priority, long from, long to) {
    PriorityRings ring = rings.computeIfAbsent(queue, q -> new PriorityRings());
    for (long id = from; id <= to; id++) {
      ring.addLast(priority, id, null);
    }
  }

  /** Takes the head of the first non-empty queue among {@code queues}, or null. */
  synchronized Popped poll(List<String> queues) {
    for (String queue : queues) {
      PriorityRings ring = rings.get(queue);
      if (ring != null && !ring.isEmpty()) {
        long id = ring.firstId();
        return new Popped(queue, id, uncached(ring.pollFirst()));
      }
    }
    return null;
  }

  /**
   * Takes the job with row id {@code id} from {@code queue} if it is still among the first {@code
   * within} jobs (a limited FETCH chose it from a {@link #slice}); null when it is gone.
   */
  synchronized Popped take(String queue, long id, int within) {
    PriorityRings ring = rings.get(queue);
    if (ring == null) {
      return null;
    }
    for (long i = 0; i < ring.size() && i < within; i++) {
      if (ring.id(i) == id) {
        return new Popped(queue, id, uncached(ring.removeAt(i)));
      }
    }
    return null;
  }

  /**
   * Takes the job with row id {@code id} out of level {@code priority} of {@code queue} if it is
   * still queued there (an operator's delete or move); null when a FETCH took it or it is gone. The
   * popped entry's {@code cached} may be null (payload on disk only).
   */
  synchronized Popped takeId(String queue, int priority, long id) {
    PriorityRings ring = rings.get(queue);
    Object[] found = ring == null ? null : ring.removeId(priority, id);
    return found == null ? null : new Popped(queue, id, uncached(found[0]));
  }

  /** True when {@code id} is queued in level {@code priority} of {@code queue}. */
  synchronized boolean holds(String queue, int priority, long id) {
    PriorityRings ring = rings.get(queue);
    return ring != null && ring.contains(priority, id);
  }

  /**
   * Returns a job taken with {@link #takeId} to the front of its level under its new, smallest row
   * id ({@code front}) or, when its write failed, to its old place ({@code front} false).
   */
  synchronized void putBack(String queue, int priority, long id, Cached cached, boolean front) {
    PriorityRings ring = rings.get(queue);
    if (ring == null) {
      return; // the queue was removed meanwhile, and its jobs with it
    }
    if (cached != null && cachedBytes + cost(cached.jid(), cached.payload()) <= cacheBudget) {
      cachedBytes += cost(cached.jid(), cached.payload());
    } else {
      cached = null;
    }
    if (front) {
      ring.addFirst(priority, id, cached);
    } else {
      ring.insertSorted(priority, id, cached);
    }
  }

  /**
   * Ids (and cached payloads where held) of a queue's jobs from its head, skipping {@code offset}.
   */
  synchronized List<Popped> slice(String queue, long offset, int limit) {
    PriorityRings ring = rings.get(queue);
    List<Popped> out = new ArrayList<>();
    if (ring == null) {
      return out;
    }
    for (long i = Math.max(0, offset); i < ring.size() && out.size() < limit; i++) {
      out.add(new Popped(queue, ring.id(i), (Cached) ring.cached(i)));
    }
    return out;
  }

  /**
   * Ids of up to {@code limit} jobs from the head of {@code queue} whose payloads are not cached,
   * sorted ascending (ids grow within a priority level, not across levels), or none when the cache
   * has no room for that many of {@code bytesEach}.
   */
  synchronized long[] uncachedHead(String queue, int limit, int bytesEach) {
    PriorityRings ring = rings.get(queue);
    if (ring == null || cachedBytes + (long) limit * (bytesEach + ENTRY_OVERHEAD) > cacheBudget) {
      return new long[0];
    }
    long[] out = new long[(int) Math.min(limit, ring.size())];
    int n = 0;
    for (long i = 0; i < ring.size() && n < out.length && i < 2L * limit; i++) {
      if (ring.cached(i) == null) {
        out[n++] = ring.id(i);
      }
    }
    long[] ids = Arrays.copyOf(out, n);
    Arrays.sort(ids);
    return ids;
  }

  /**
   * True when the job {@code distance} places from the head of {@code queue} is not cached and the
   * cache has room for {@code count} jobs of {@code bytesEach}: time to read ahead.
   */
  synchronized boolean coldAhead(String queue, int distance, int count, int bytesEach) {
    PriorityRings ring = rings.get(queue);
    return ring != null
        && ring.size() > distance
        && ring.cached(distance) == null
        && cachedBytes + (long) count * (bytesEach + ENTRY_OVERHEAD) <= cacheBudget;
  }

  /** Caches read-ahead payloads for those of {@code loaded} still near the head of the queue. */
  synchronized void fill(String queue, Map<Long, Cached> loaded) {
    PriorityRings ring = rings.get(queue);
    if (ring == null) {
      return;
    }
    int found = 0;
    for (long i = 0; i < ring.size() && found < loaded.size() && i < 4L * loaded.size(); i++) {
      Cached c = loaded.get(ring.id(i));
      if (c == null) {
        continue;
      }
      found++;
      long cost = cost(c.jid(), c.payload());
      if (ring.cached(i) == null && cachedBytes + cost <= cacheBudget) {
        ring.setCached(i, c);
        cachedBytes += cost;
      }
    }
  }

  synchronized long size(String queue) {
    PriorityRings ring = rings.get(queue);
    return ring == null ? 0 : ring.size();
  }

  synchronized Map<String, Long> sizes() {
    Map<String, Long> out = new TreeMap<>();
    rings.forEach((name, ring) -> out.put(name, ring.size()));
    return out;
  }

  synchronized boolean isKnown(String queue) {
    return rings.containsKey(queue);
  }

  synchronized void setPaused(Collection<String> queues, boolean on) {
    if (on) {
      for (String q : queues) {
        if (rings.containsKey(q)) {
          paused.add(q);
        }
      }
    } else {
      paused.removeAll(queues);
    }
  }

  synchronized Set<String> paused() {
    return Set.copyOf(paused);
  }

  /** Forgets a queue, its jobs and its paused flag. */
  synchronized void remove(String queue) {
    PriorityRings ring = rings.remove(queue);
    paused.remove(queue);
    if (ring != null) {
      while (!ring.isEmpty()) {
        uncached(ring.pollFirst());
      }
    }
  }

  synchronized void clear() {
    rings.clear();
    paused.clear();
    cachedBytes = 0;
  }

  synchronized long cachedBytes() {
    return cachedBytes;
  }

  /** Gives back the budget of an entry leaving its ring. */
  private Cached uncached(Object slot) {
    Cached c = (Cached) slot;
    if (c != null) {
      cachedBytes -= cost(c.jid(), c.payload());
    }
    return c;
  }

  private static long cost(String jid, byte[] payload) {
    return (long) payload.length + jid.length() + ENTRY_OVERHEAD;
  }
}
