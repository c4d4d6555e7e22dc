package dev.fabrik.server.limits;

import dev.fabrik.server.storage.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The run-time state of concurrency and rate limits: the slots jobs in flight hold, and one GCRA
 * bucket per rate-limited queue, job type or partition.
 *
 * <p>A slot is a row keyed by ({@code key}, slot number) with {@code slot < limit}: taking one is
 * an insert that the key's uniqueness makes exact between server nodes sharing one database (two
 * nodes that pick the same free number conflict, and the loser gets nothing), and a slot whose
 * {@code expires} passed counts as free (a crashed worker does not keep it). A rate bucket is one
 * row holding the GCRA "theoretical arrival time", moved forward by a single compare-and-set
 * statement that refuses when the budget is spent.
 *
 * <p>Every implementation passes {@code LimitStoreContract}.
 */
public interface LimitStore {

  /**
   * Takes every slot of {@code slots} and one start from every bucket of {@code takes}, all or
   * none, for the job {@code jid} of worker {@code wid}.
   *
   * @return false (and nothing taken) when some slot's key is full or some bucket has no budget
   */
  boolean acquire(String jid, String wid, List<SlotClaim> slots, List<RateTake> takes, Instant now);

  /**
   * Reserves the first job of {@code queues} (in their order, as {@code Store.reserve} would) that
   * every rule of {@code rules} concerning it lets start, and takes one slot of each of those
   * rules' keys for it in the same commit: a grant is one write, and a claim that fails, rolls back
   * or loses one of its slots to a concurrent taker leaves neither the reservation nor any slot. A
   * queue with a key at its limit is skipped, and so is a job whose type has one (no head-of-line
   * blocking: the jobs behind it are served); those keys are reported in {@link SlotGrant#full()}.
   *
   * <p>Only for rules whose slots are known before the job is chosen: concurrency and per-worker
   * counts of queues and job types, no rate.
   *
   * @return null when this store has no such claim: the caller reserves, then {@link #acquire}s
   */
  default SlotGrant reserveWithSlot(
      List<String> queues,
      List<SlotRule> rules,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline) {
    return null;
  }

  /** Frees every slot {@code jid} holds (ACK, FAIL, snooze, expired reservation). */
  void release(String jid);

  /**
   * {@link #release(String)}, and when a slot was freed, tells FETCHes waiting on {@code queue} on
   * the other nodes sharing this store (the caller wakes its own). A store only one process opens
   * has no other nodes: by default the plain release.
   */
  default void release(String jid, String queue) {
    release(jid);
  }

  /**
   * True when the store's ACK frees the slots of the run it acknowledges in its own write (and
   * tells the other nodes' waiting FETCHes): the caller then only wakes its own, and calls no
   * {@link #release} for an ACK. By default false: the caller releases after the ACK.
   */
  default boolean ackFreesSlots() {
    return false;
  }

  /** Slots held (not expired at {@code now}) per key; keys with none are absent. */
  Map<String, Integer> inFlight(Instant now);

  /** The rate buckets that cannot start a job at {@code now}. */
  Set<String> rateBlocked(Instant now);

  /**
   * The limits set at run time (JSON API), by {@link LimitRule#id()}; they override conf.d's rule
   * of the same id.
   */
  List<LimitRule> savedRules();

  /** Saves (or replaces) a rule set at run time. */
  void saveRule(LimitRule rule);

  /** Removes a rule set at run time; false when there was none. */
  boolean removeRule(String id);

  /**
   * Deletes the rate buckets that are full again at {@code now} (GCRA time not after now: a fresh
   * bucket would grant exactly the same starts), so one bucket per partition key ever seen does not
   * stay forever. Safe beside acquisitions on other nodes: a bucket taken from meanwhile is no
   * longer full and stays.
   *
   * @return how many buckets were deleted
   */
  int purgeIdleBuckets(Instant now);

  /** Forgets every slot and bucket (FLUSH); saved rules stay. */
  void clearUsage();

  /**
   * One concurrency slot to take.
   *
   * @param key what the slot counts against ({@link LimitRule#slotKey}, or the per-worker key)
   * @param limit how many slots {@code key} has
   * @param expires when the slot is free again if nobody releases it
   */
  record SlotClaim(String key, int limit, Instant expires) {
    public SlotClaim {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1: " + limit);
      }
    }
  }

  /**
   * One slot key a job under a queue's or a job type's rule takes in {@link #reserveWithSlot}.
   *
   * @param scope whether {@code name} is a queue or a job type
   * @param key the slot key ({@link LimitRule#slotKey}, or {@link LimitRule#workerSlotKey})
   * @param limit how many slots {@code key} has
   * @param timeout how long a slot is held at most; null: as long as the job's reservation
   * @param taking slots of {@code key} other FETCHes of this node are taking right now, counted as
   *     held (the store cannot see them before their commit)
   */
  record SlotRule(
      LimitRule.Scope scope, String name, String key, int limit, Duration timeout, int taking) {
    public SlotRule {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1: " + limit);
      }
    }

    /** This rule with {@code n} slots being taken elsewhere on this node. */
    public SlotRule taking(int n) {
      return new SlotRule(scope, name, key, limit, timeout, n);
    }
  }

  /** Why a claim that found a job did not get its slots (metrics label {@code cause}). */
  enum LostRace {
    /** Another FETCH took the free number this one picked, between its look and its insert. */
    SAME_NUMBER("same_number"),
    /**
     * The key's numbers were all held, some by holders whose time passed (taken over elsewhere).
     */
    ONLY_EXPIRED("only_expired"),
    /** The usual path: a job reserved, then its slots or starts were gone (the job went back). */
    AFTER_RESERVE("after_reserve");

    private final String label;

    LostRace(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * What {@link #reserveWithSlot} did.
   *
   * @param reservation the job reserved with its slots; null when none
   * @param full the slot keys found at their limit
   * @param lostRace why a job was there but did not get its slots (the caller looks again the usual
   *     way); null when nothing was lost
   */
  record SlotGrant(Reservation reservation, List<String> full, LostRace lostRace) {
    /** True when a job was there but its slots went to a concurrent taker (or only expired). */
    public boolean lost() {
      return lostRace != null;
    }
  }

  /**
   * One start taken from a GCRA bucket allowing {@code count} starts per {@code periodMicros}: the
   * bucket's time moves on by {@code periodMicros / count} per start, and a start is refused when
   * that would put it more than one period ahead of now.
   */
  record RateTake(String bucket, int count, long periodMicros) {
    public RateTake {
      if (count < 1 || periodMicros < 1) {
        throw new IllegalArgumentException("rate needs count >= 1 and a positive period");
      }
    }

    /** Microseconds one start moves the bucket on. */
    public long intervalMicros() {
      return Math.max(1, periodMicros / count);
    }
  }
}
