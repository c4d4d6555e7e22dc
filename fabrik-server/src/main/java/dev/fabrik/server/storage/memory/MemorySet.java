package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.SetEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One sorted set: entries ordered by (score, jid, insertion sequence). The sequence keeps two
 * entries with the same score and jid apart (Faktory would overwrite; we keep both rather than lose
 * a job). Not thread-safe: {@link MemoryStore} guards it.
 */
final class MemorySet {

  /** Position of an entry: {@code seq} only breaks ties between equal (score, jid) keys. */
  record Slot(Instant score, String jid, long seq) {}

  private static final Comparator<Slot> ORDER =
      Comparator.comparing(Slot::score).thenComparing(Slot::jid).thenComparingLong(Slot::seq);

  private final TreeMap<Slot, SetEntry> entries = new TreeMap<>(ORDER);
  private long nextSeq;

  void add(SetEntry entry) {
    entries.put(new Slot(entry.score(), entry.jid(), nextSeq++), entry);
  }

  int size() {
    return entries.size();
  }

  void clear() {
    entries.clear();
  }

  /**
   * Removes and returns up to {@code limit} entries scored at or before {@code now}, lowest first.
   */
  List<SetEntry> pollDue(Instant now, int limit) {
    List<SetEntry> out = new ArrayList<>();
    Iterator<Map.Entry<Slot, SetEntry>> it = entries.entrySet().iterator();
    while (out.size() < limit && it.hasNext()) {
      Map.Entry<Slot, SetEntry> e = it.next();
      if (e.getKey().score().isAfter(now)) {
        break;
      }
      out.add(e.getValue());
      it.remove();
    }
    return out;
  }

  /** Removes the lowest-scored entries until at most {@code maxSize} remain. */
  int trim(long maxSize) {
    int removed = 0;
    while (entries.size() > maxSize) {
      entries.pollFirstEntry();
      removed++;
    }
    return removed;
  }

  /** Entries whose (score, jid) is strictly after {@code after}, in order. */
  List<SetEntry> scan(SetEntry.Key after, int limit) {
    Map<Slot, SetEntry> tail =
        after == null
            ? entries
            : entries.tailMap(new Slot(after.score(), after.jid(), Long.MAX_VALUE), false);
    List<SetEntry> out = new ArrayList<>(Math.min(limit, 1024));
    for (SetEntry e : tail.values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /** The oldest-inserted entry with this key, or null. */
  SetEntry find(SetEntry.Key key) {
    Map.Entry<Slot, SetEntry> e = entries.ceilingEntry(new Slot(key.score(), key.jid(), -1));
    if (e == null
        || !e.getKey().score().equals(key.score())
        || !e.getKey().jid().equals(key.jid())) {
      return null;
    }
    return e.getValue();
  }

  /** Every entry in order with its slot, for mutation (remove through {@link #remove}). */
  List<Map.Entry<Slot, SetEntry>> snapshot() {
    return new ArrayList<>(entries.entrySet());
  }

  void remove(Slot slot) {
    entries.remove(slot);
  }
}
