package dev.fabrik.server.storage.reservation;

import dev.fabrik.server.storage.Reservation;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reservations of fetched jobs, held in memory by the embedded stores. Jids are not unique in
 * Faktory, so a jid may hold several reservations: ACK and FAIL take the oldest one first. Each
 * reservation carries a store-specific {@code handle} (the SQLite row id, or the job itself).
 *
 * <p>Thread-safe; every method is short and never calls out while holding the lock.
 *
 * @param <H> what the store needs to finish the job later
 */
public final class ReservationTable<H> {

  /** One reservation, its handle, and the sequence that orders it among the others. */
  public record Held<H>(long seq, Reservation reservation, H handle) {}

  private static final Comparator<Held<?>> BY_DEADLINE =
      Comparator.<Held<?>, Instant>comparing(h -> h.reservation().expiresAt())
          .thenComparingLong(Held::seq);

  private final TreeMap<Long, Held<H>> bySeq = new TreeMap<>();
  private final HashMap<String, ArrayDeque<Held<H>>> byJid = new HashMap<>();
  private final TreeSet<Held<?>> byDeadline = new TreeSet<>(BY_DEADLINE);
  private long nextSeq;

  /** Records a new reservation, newest of all. */
  public synchronized void add(Reservation reservation, H handle) {
    insert(new Held<>(nextSeq++, reservation, handle));
  }

  /**
   * Puts back a reservation taken with {@link #take} whose removal could not be stored, keeping its
   * place among the others.
   */
  public synchronized void restore(Held<H> held) {
    insert(held);
  }

  /** Removes and returns the oldest reservation of {@code jid}, or null. */
  public synchronized Held<H> take(String jid) {
    ArrayDeque<Held<H>> list = byJid.get(jid);
    if (list == null) {
      return null;
    }
    Held<H> held = list.pollFirst();
    if (list.isEmpty()) {
      byJid.remove(jid);
    }
    bySeq.remove(held.seq());
    byDeadline.remove(held);
    return held;
  }

  /** Moves every reservation of {@code jid} to {@code until} unless it already runs later. */
  public synchronized boolean extend(String jid, Instant until) {
    ArrayDeque<Held<H>> list = byJid.get(jid);
    if (list == null) {
      return false;
    }
    ArrayDeque<Held<H>> updated = new ArrayDeque<>(list.size());
    for (Held<H> h : list) {
      Reservation r = h.reservation();
      if (until.isAfter(r.expiresAt())) {
        byDeadline.remove(h);
        Reservation later =
            new Reservation(r.jid(), r.queue(), r.payload(), r.wid(), r.reservedAt(), until);
        h = new Held<>(h.seq(), later, h.handle());
        byDeadline.add(h);
        bySeq.put(h.seq(), h);
      }
      updated.add(h);
    }
    byJid.put(jid, updated);
    return true;
  }

  /** Reservations due at or before {@code now}, earliest deadline first. */
  public synchronized List<Reservation> expired(Instant now, int limit) {
    List<Reservation> out = new ArrayList<>();
    for (Held<?> h : byDeadline) {
      if (out.size() >= limit || h.reservation().expiresAt().isAfter(now)) {
        break;
      }
      out.add(h.reservation());
    }
    return out;
  }

  /** The oldest reservations first. */
  public synchronized List<Reservation> list(int limit) {
    List<Reservation> out = new ArrayList<>(Math.min(limit, bySeq.size()));
    Iterator<Held<H>> it = bySeq.values().iterator();
    while (out.size() < limit && it.hasNext()) {
      out.add(it.next().reservation());
    }
    return out;
  }

  /** The reservations of {@code jid}, oldest first (a lookup by jid). */
  public synchronized List<Reservation> ofJid(String jid) {
    ArrayDeque<Held<H>> list = byJid.get(jid);
    List<Reservation> out = new ArrayList<>();
    if (list != null) {
      list.forEach(h -> out.add(h.reservation()));
    }
    return out;
  }

  public synchronized int size() {
    return bySeq.size();
  }

  /** Every handle, for stores that must release what reservations hold. */
  public synchronized List<H> handles() {
    List<H> out = new ArrayList<>(bySeq.size());
    for (Held<H> h : bySeq.values()) {
      out.add(h.handle());
    }
    return out;
  }

  public synchronized void clear() {
    bySeq.clear();
    byJid.clear();
    byDeadline.clear();
  }

  private void insert(Held<H> held) {
    bySeq.put(held.seq(), held);
    ArrayDeque<Held<H>> list =
        byJid.computeIfAbsent(held.reservation().jid(), k -> new ArrayDeque<>(1));
    if (list.isEmpty() || list.peekLast().seq() < held.seq()) {
      list.addLast(held);
    } else {
      List<Held<H>> sorted = new ArrayList<>(list);
      sorted.add(held);
      sorted.sort(Comparator.comparingLong(Held::seq));
      list.clear();
      list.addAll(sorted);
    }
    byDeadline.add(held);
  }
}
