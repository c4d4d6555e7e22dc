package dev.fabrik.server.storage.memory;

import dev.fabrik.server.storage.PayloadJobtype;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetPage;
import dev.fabrik.server.storage.SetQuery;
import dev.fabrik.server.storage.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One sorted set: entries ordered by (score, jid, insertion sequence). The sequence keeps two
 * entries with the same score and jid apart (Faktory would overwrite; we keep both rather than lose
 * a job) and is each entry's {@link SetEntry#seq()}. Not thread-safe: {@link MemoryStore} guards
 * it.
 */
final class MemorySet {

  /** Position of an entry: {@code seq} only breaks ties between equal (score, jid) keys. */
  record Slot(Instant score, String jid, long seq) {}

  private static final Comparator<Slot> ORDER =
      Comparator.comparing(Slot::score).thenComparing(Slot::jid).thenComparingLong(Slot::seq);

  private final TreeMap<Slot, SetEntry> entries = new TreeMap<>(ORDER);
  private final SeqSource seqs;
  private final MemoryFailureTally tally;

  /**
   * Hands out sequence numbers, shared by the sets of one store so a moved entry gets a new one.
   */
  static final class SeqSource {
    private long next = 1;

    long next() {
      return next++;
    }

    /** The last sequence handed out (0 before the first). */
    long last() {
      return next - 1;
    }
  }

  MemorySet(SeqSource seqs, MemoryFailureTally tally) {
    this.seqs = seqs;
    this.tally = tally;
  }

  void add(SetEntry entry) {
    long seq = seqs.next();
    SetEntry stored =
        new SetEntry(entry.set(), entry.score(), entry.jid(), entry.queue(), entry.payload(), seq);
    entries.put(new Slot(entry.score(), entry.jid(), seq), stored);
    tally.added(stored);
  }

  int size() {
    return entries.size();
  }

  void clear() {
    entries.clear();
    tally.cleared();
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
      tally.removed(e.getValue());
    }
    return out;
  }

  /** Removes the lowest-scored entries until at most {@code maxSize} remain. */
  int trim(long maxSize) {
    int removed = 0;
    while (entries.size() > maxSize) {
      tally.removed(entries.pollFirstEntry().getValue());
      removed++;
    }
    return removed;
  }

  /**
   * Entries matching {@code query} after {@code after} in its order, examining at most {@link
   * Store#SCAN_BUDGET} entries when filtered, and only entries whose seq is at most {@code maxSeq}.
   */
  SetPage scan(SetQuery query, SetEntry.Key after, int limit, long maxSeq) {
    return scan(query.descending(), after, limit, maxSeq, query.filtered(), e -> matches(query, e));
  }

  /** Like {@link #scan(SetQuery, SetEntry.Key, int, long)} with any filter, ascending. */
  SetPage scan(SetEntry.Key after, int limit, long maxSeq, Predicate<SetEntry> filter) {
    return scan(false, after, limit, maxSeq, true, filter);
  }

  private SetPage scan(
      boolean descending,
      SetEntry.Key after,
      int limit,
      long maxSeq,
      boolean budgeted,
      Predicate<SetEntry> filter) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
    NavigableMap<Slot, SetEntry> view = descending ? entries.descendingMap() : entries;
    if (after != null) {
      long seq = after.hasSeq() ? after.seq() : descending ? -1 : Long.MAX_VALUE;
      view = view.tailMap(new Slot(after.score(), after.jid(), seq), false);
    }
    List<SetEntry> out = new ArrayList<>(Math.min(limit, 1024));
    int examined = 0;
    SetEntry last = null;
    for (SetEntry e : view.values()) {
      if (out.size() == limit) {
        return new SetPage(out, out.getLast().key()); // at least one more entry remains
      }
      if (budgeted && examined == Store.SCAN_BUDGET) {
        return new SetPage(out, last.key()); // budget spent, more entries remain
      }
      examined++;
      last = e;
      if (e.seq() <= maxSeq && filter.test(e)) {
        out.add(e);
      }
    }
    return new SetPage(out, null);
  }

  private static Slot slot(SetEntry e) {
    return new Slot(e.score(), e.jid(), e.seq());
  }

  private static boolean matches(SetQuery query, SetEntry e) {
    return (query.jobtype() == null || query.jobtype().equals(PayloadJobtype.of(e.payload())))
        && query.textMatches(e.payload())
        && query.fingerprintMatches(e.payload());
  }

  /** The entry a key names (the oldest twin when it has no sequence), or null. */
  SetEntry find(SetEntry.Key key) {
    if (key.hasSeq()) {
      return entries.get(new Slot(key.score(), key.jid(), key.seq()));
    }
    Map.Entry<Slot, SetEntry> e = entries.ceilingEntry(new Slot(key.score(), key.jid(), -1));
    if (e == null
        || !e.getKey().score().equals(key.score())
        || !e.getKey().jid().equals(key.jid())) {
      return null;
    }
    return e.getValue();
  }

  /** The last sequence handed out by this set's store: later entries have greater ones. */
  long lastSeq() {
    return seqs.last();
  }

  /** Every entry whose jid is {@code jid}, in set order (a scan: sets are ordered by score). */
  List<SetEntry> withJid(String jid) {
    List<SetEntry> out = new ArrayList<>();
    for (SetEntry e : entries.values()) {
      if (e.jid().equals(jid)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Removes the entry (as returned by this set); false when it is gone. */
  boolean remove(SetEntry entry) {
    SetEntry removed = entries.remove(slot(entry));
    if (removed != null) {
      tally.removed(removed);
    }
    return removed != null;
  }
}
