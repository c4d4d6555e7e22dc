package dev.fabrik.server.limits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The limit state of a store only one process opens (memory, SQLite): held in this process under
 * one monitor. Why not in the SQLite file: that store keeps its reservations in memory too, so
 * after a crash no job is in flight and no slot may be held; a FETCH then needs no disk write for
 * its slot. Rate buckets start afresh after a restart (a restarted server may start one more
 * period's budget).
 */
public class InProcessLimitStore implements LimitStore {

  private record Slot(String jid, Instant expires) {}

  private record Bucket(long tatMicros, long periodMicros, long intervalMicros) {
    boolean blockedAt(long nowMicros) {
      return tatMicros > nowMicros + periodMicros - intervalMicros;
    }
  }

  private final Map<String, List<Slot>> slots = new HashMap<>();
  private final Map<String, Set<String>> keysOfJid = new HashMap<>();
  private final Map<String, Bucket> buckets = new HashMap<>();
  private final Map<String, LimitRule> rules = new LinkedHashMap<>();

  @Override
  public synchronized boolean acquire(
      String jid, String wid, List<SlotClaim> claims, List<RateTake> takes, Instant now) {
    long nowMicros = micros(now);
    for (SlotClaim c : claims) {
      if (held(c.key(), now) >= c.limit()) {
        return false;
      }
    }
    for (RateTake t : takes) {
      Bucket b = buckets.get(t.bucket());
      if (b != null
          && Math.max(b.tatMicros(), nowMicros) + t.intervalMicros() - t.periodMicros()
              > nowMicros) {
        return false;
      }
    }
    for (SlotClaim c : claims) {
      slots.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(new Slot(jid, c.expires()));
      keysOfJid.computeIfAbsent(jid, k -> new HashSet<>()).add(c.key());
    }
    for (RateTake t : takes) {
      Bucket b = buckets.get(t.bucket());
      long from = b == null ? nowMicros : Math.max(b.tatMicros(), nowMicros);
      buckets.put(
          t.bucket(), new Bucket(from + t.intervalMicros(), t.periodMicros(), t.intervalMicros()));
    }
    return true;
  }

  /** Slots of {@code key} not expired at {@code now}; drops the expired ones on the way. */
  private int held(String key, Instant now) {
    List<Slot> list = slots.get(key);
    if (list == null) {
      return 0;
    }
    list.removeIf(s -> !s.expires().isAfter(now));
    return list.size();
  }

  @Override
  public void release(String jid) {
    releaseHeld(jid);
  }

  /**
   * The slots one job held and gave back ahead of its ACK's commit, to be {@link #restore restored}
   * if that commit fails.
   */
  public record Released(String jid, Map<String, Instant> expiresByKey) {}

  /** {@link #release(String)}, telling which slots were freed (none: an empty map). */
  public synchronized Released releaseHeld(String jid) {
    Map<String, Instant> freed = new HashMap<>();
    Set<String> keys = keysOfJid.remove(jid);
    if (keys == null) {
      return new Released(jid, freed);
    }
    for (String key : keys) {
      List<Slot> list = slots.get(key);
      if (list == null) {
        continue;
      }
      for (Slot s : list) {
        if (s.jid().equals(jid)) {
          freed.put(key, s.expires());
        }
      }
      list.removeIf(s -> s.jid().equals(jid));
      if (list.isEmpty()) {
        slots.remove(key);
      }
    }
    return new Released(jid, freed);
  }

  /**
   * Gives a job back the slots {@link #releaseHeld} freed, even past the limit: the job is still
   * reserved (its ACK did not commit), and its slots must count until its reservation ends, so the
   * next FETCHes wait until the count is under the limit again.
   */
  public synchronized void restore(Released r) {
    r.expiresByKey()
        .forEach(
            (key, expires) -> {
              slots.computeIfAbsent(key, k -> new ArrayList<>()).add(new Slot(r.jid(), expires));
              keysOfJid.computeIfAbsent(r.jid(), k -> new HashSet<>()).add(key);
            });
  }

  @Override
  public synchronized Map<String, Integer> inFlight(Instant now) {
    Map<String, Integer> out = new TreeMap<>();
    for (String key : List.copyOf(slots.keySet())) {
      int n = held(key, now);
      if (n > 0) {
        out.put(key, n);
      }
    }
    return out;
  }

  @Override
  public synchronized Set<String> rateBlocked(Instant now) {
    long nowMicros = micros(now);
    Set<String> out = new HashSet<>();
    buckets.entrySet().removeIf(e -> e.getValue().tatMicros() <= nowMicros); // a full budget
    buckets.forEach(
        (bucket, b) -> {
          if (b.blockedAt(nowMicros)) {
            out.add(bucket);
          }
        });
    return out;
  }

  @Override
  public synchronized int purgeIdleBuckets(Instant now) {
    long nowMicros = micros(now);
    int before = buckets.size();
    buckets.entrySet().removeIf(e -> e.getValue().tatMicros() <= nowMicros);
    return before - buckets.size();
  }

  @Override
  public synchronized List<LimitRule> savedRules() {
    return List.copyOf(rules.values());
  }

  @Override
  public synchronized void saveRule(LimitRule rule) {
    rules.put(rule.id(), rule);
  }

  @Override
  public synchronized boolean removeRule(String id) {
    return rules.remove(id) != null;
  }

  @Override
  public synchronized void clearUsage() {
    slots.clear();
    keysOfJid.clear();
    buckets.clear();
  }

  private static long micros(Instant t) {
    return Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1_000;
  }
}
