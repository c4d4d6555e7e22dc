package dev.fabrik.server.storage.sqlite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What makes FETCH a memory operation: every known queue's committed jobs as a FIFO of row ids,
 * the paused flags, and a byte-budgeted cache of payloads. Jobs enter only after their insert
 * committed (the writer calls {@link #append} from its commit hook). A job popped here stays in the
 * database until it is acknowledged or failed.
 *
 * <p>Thread-safe with one monitor; nothing in here does I/O.
 */
final class QueueIndex {

  /** A job's jid and payload kept in memory so a fetch needs no read. */
  record Cached(String jid, byte[] payload) {}

  /** A job taken from a queue; {@code cached} is null when its payload must be read back. */
  record Popped(String queue, long id, Cached cached) {}

  /** Rough heap cost of one cache entry besides its payload (map node, boxed key, record). */
  private static final int ENTRY_OVERHEAD = 96;

  private final Map<String, LongRing> rings = new HashMap<>();
  private final Set<String> paused = new HashSet<>();
  private final HashMap<Long, Cached> cache = new HashMap<>();
  private final long cacheBudget;
  private long cachedBytes;

  QueueIndex(long cacheBudgetBytes) {
    this.cacheBudget = cacheBudgetBytes;
  }

  /** Makes a queue known (it may stay empty). */
  synchronized void register(String queue) {
    rings.computeIfAbsent(queue, q -> new LongRing());
  }

  /** Appends a committed job to the back of its queue, caching its payload if the budget allows. */
  synchronized void append(String queue, long id, String jid, byte[] payload) {
    rings.computeIfAbsent(queue, q -> new LongRing()).addLast(id);
    long cost = (long) payload.length + jid.length() + ENTRY_OVERHEAD;
    if (cachedBytes + cost <= cacheBudget) {
      cache.put(id, new Cached(jid, payload));
      cachedBytes += cost;
    }
  }

  /** Appends a recovered job whose payload stays on disk until it is fetched. */
  synchronized void appendId(String queue, long id) {
    rings.computeIfAbsent(queue, q -> new LongRing()).addLast(id);
  }

  /** Takes the head of the first non-empty queue among {@code queues}, or null. */
  synchronized Popped poll(List<String> queues) {
    for (String queue : queues) {
      LongRing ring = rings.get(queue);
      if (ring != null && !ring.isEmpty()) {
        long id = ring.pollFirst();
        return new Popped(queue, id, uncache(id));
      }
    }
    return null;
  }

  /** Ids (and cached payloads where held) of a queue's jobs from its head, skipping {@code offset}. */
  synchronized List<Popped> slice(String queue, long offset, int limit) {
    LongRing ring = rings.get(queue);
    List<Popped> out = new ArrayList<>();
    if (ring == null) {
      return out;
    }
    for (long i = offset; i < ring.size() && out.size() < limit; i++) {
      long id = ring.get(i);
      out.add(new Popped(queue, id, cache.get(id)));
    }
    return out;
  }

  synchronized long size(String queue) {
    LongRing ring = rings.get(queue);
    return ring == null ? 0 : ring.size();
  }

  synchronized Map<String, Long> sizes() {
    Map<String, Long> out = new TreeMap<>();
    rings.forEach((name, ring) -> out.put(name, (long) ring.size()));
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
    LongRing ring = rings.remove(queue);
    paused.remove(queue);
    if (ring != null) {
      while (!ring.isEmpty()) {
        uncache(ring.pollFirst());
      }
    }
  }

  synchronized void clear() {
    rings.clear();
    paused.clear();
    cache.clear();
    cachedBytes = 0;
  }

  synchronized long cachedBytes() {
    return cachedBytes;
  }

  private Cached uncache(long id) {
    Cached c = cache.remove(id);
    if (c != null) {
      cachedBytes -= (long) c.payload().length + c.jid().length() + ENTRY_OVERHEAD;
    }
    return c;
  }
}
