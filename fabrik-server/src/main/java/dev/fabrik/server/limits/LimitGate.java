package dev.fabrik.server.limits;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.manager.Reserver;
import dev.fabrik.server.storage.PassOver;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * FETCH under limits, without head-of-line blocking: from the usage just read, a queue at its limit
 * is left out of the FETCH, a job type at its limit (or out of rate budget) is passed over inside
 * its queue, and so is a job whose rate partition is out of budget; the store reserves the first
 * job behind them. Then the job's slots and starts are taken in one atomic step; when another node
 * took the last one first, the reservation is given back (the job keeps its place) and the FETCH
 * looks again.
 *
 * <p>When every slot is known before the job is chosen (concurrency and per-worker counts of queues
 * and job types, no rate), a store shared between nodes may do all of it in one step ({@link
 * LimitStore#reserveWithSlot}: the job and its slots in one commit, PostgreSQL); the look, the
 * reservation and the acquisition above are then left to the cases it cannot grant (a slot only
 * expired holders leave, claims that kept losing, rates).
 *
 * <p>With no rule in force the store is asked directly, as without this gate. A store only this
 * process opens (memory, SQLite) keeps its limit state in this process: the gate then runs limited
 * FETCHes one at a time, so an acquisition can never be lost after the look.
 */
final class LimitGate implements Reserver {
  private static final Logger log = LoggerFactory.getLogger(LimitGate.class);

  /** Looks before a FETCH gives up when other nodes keep winning the last slot. */
  private static final int ATTEMPTS = 5;

  /**
   * One-step claims ({@link LimitStore#reserveWithSlot}) before a FETCH takes the usual path: two
   * FETCHes that picked the same free number conflict, and the loser's next claim sees the winner's
   * slot (it takes another number, or finds the limit full). Still lost after that, only expired
   * slots are left, which the usual acquisition takes over.
   */
  private static final int ONE_STEP_ATTEMPTS = 3;

  private final Store store;
  private final LimitStore state;
  private final Supplier<LimitRules> rules;
  private final LimitCounters counters;
  private final IdleGaps gaps;
  private final SlotHandoffs handoffs;
  private final boolean serialize;

  /**
   * Slots this node's FETCHes are taking right now (reserved a job, acquisition not answered yet),
   * by key. On a shared database the usage read does not see an insert before its commit, so
   * without these a FETCH woken beside the one taking the last slot would reserve a job, lose the
   * race and give the job back (a synchronous commit each). Counted as held by the look.
   */
  private final ConcurrentHashMap<String, AtomicInteger> taking = new ConcurrentHashMap<>();

  private final BiConsumer<String, String> taken;

  /**
   * @param handoffs slots freed here, which a FETCH may take without reading the usage
   * @param taken told (jid, queue) of each job that took slots here, before it is handed out
   */
  LimitGate(
      Store store,
      Supplier<LimitRules> rules,
      LimitCounters counters,
      IdleGaps gaps,
      SlotHandoffs handoffs,
      BiConsumer<String, String> taken) {
    this(store, store.limits(), rules, counters, gaps, handoffs, taken);
  }

  /** Tests: {@code state} in place of the store's own limit state. */
  LimitGate(
      Store store,
      LimitStore state,
      Supplier<LimitRules> rules,
      LimitCounters counters,
      IdleGaps gaps,
      SlotHandoffs handoffs,
      BiConsumer<String, String> taken) {
    this.store = store;
    this.taken = taken;
    this.state = state;
    this.rules = rules;
    this.counters = counters;
    this.gaps = gaps;
    this.handoffs = handoffs;
    this.serialize = state instanceof InProcessLimitStore;
  }

  @Override
  public Optional<Reservation> reserve(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    LimitRules in = rules.get();
    if (in.isEmpty() || in.ignore(queues)) {
      return store.reserve(queues, wid, now, deadline);
    }
    if (serialize) {
      synchronized (this) {
        return limited(in, queues, wid, now, deadline);
      }
    }
    return limited(in, queues, wid, now, deadline);
  }

  /** Without a rule for these queues the store's own answer, else null: limited FETCHes block. */
  @Override
  public CompletableFuture<Optional<Reservation>> reserveAsync(
      List<String> queues, String wid, Instant now, Function<byte[], Instant> deadline) {
    LimitRules in = rules.get();
    if (in.isEmpty() || in.ignore(queues)) {
      return store.reserveAsync(queues, wid, now, deadline);
    }
    return null;
  }

  private Optional<Reservation> limited(
      LimitRules in,
      List<String> queues,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline) {
    List<LimitStore.SlotRule> direct = serialize ? null : directSlots(in, queues, wid);
    boolean oneStep = false;
    for (int attempt = 0; direct != null && attempt < ONE_STEP_ATTEMPTS; attempt++) {
      LimitStore.SlotGrant grant = claimOneStep(queues, direct, wid, now, deadline);
      if (grant == null) {
        break; // the store has no one-step claim
      }
      oneStep = true;
      Optional<Reservation> out = granted(in, direct, grant);
      if (out != null) {
        return out;
      }
      counters.lostRace(grant.lostRace());
      if (grant.lostRace() == LimitStore.LostRace.ONLY_EXPIRED) {
        break; // only the usual acquisition takes an expired holder's slot over
      }
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Set<String> types = Set.of();
      Optional<Reservation> taken;
      // A one-step claim that lost its slot lost the one a hand-off would offer too.
      if (attempt == 0 && !oneStep && handedOff(in, queues)) {
        taken = store.reserve(queues, wid, now, deadline);
      } else {
        types = new HashSet<>();
        taken = lookAndReserve(in, queues, wid, now, deadline, types);
      }
      if (taken.isEmpty()) {
        return taken;
      }
      Reservation r = taken.get();
      Claims claims = Claims.of(in, r, wid);
      if (claims.isEmpty()) {
        return taken;
      }
      if (acquire(r, wid, claims, now)) {
        if (!claims.slots().isEmpty()) {
          this.taken.accept(r.jid(), r.queue());
          claims.slots().forEach(c -> gaps.granted(c.key()));
        }
        if (!types.isEmpty()) {
          counters.passedOver(types.size());
        }
        return taken;
      }
      counters.lostRace(LimitStore.LostRace.AFTER_RESERVE);
      if (!store.unreserve(r)) {
        // Only a store shared between nodes can lose a race, and it can give jobs back.
        log.error("limit slot for {} lost and the store cannot give the job back", r.jid());
        return taken;
      }
    }
    return Optional.empty();
  }

  /**
   * A one-step claim, counted in {@link #taking} while it runs when its rules have a single slot
   * key, a queue's: a FETCH of this node arriving meanwhile (the ACKing worker's next one, beside
   * the waiter its ACK woke) then finds the limit full rather than racing for the same slot and
   * waiting for the winner's commit. A FETCH under several keys (several limited queues or job
   * types) takes slots of only some of them, so it counts as taking none. Nor does one under a job
   * type's key: a claim that finds that type full reads past every queued job of the type (5-7 ms
   * for 3,000), and counted as taking meanwhile it made the next claims find the type full too and
   * read past them all in turn (measured: a job-type limited drain at a third of the old path's
   * rate); a lost race costs one more short claim.
   */
  private LimitStore.SlotGrant claimOneStep(
      List<String> queues,
      List<LimitStore.SlotRule> direct,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline) {
    Set<String> keys = new HashSet<>();
    direct.forEach(r -> keys.add(r.key()));
    if (keys.size() != 1 || direct.getFirst().scope() != LimitRule.Scope.QUEUE) {
      return state.reserveWithSlot(queues, withTaking(direct, null, 0), wid, now, deadline);
    }
    String key = keys.iterator().next();
    // Counted before it looks: of two claims starting together, the second sees the first.
    AtomicInteger mine = taking.computeIfAbsent(key, k -> new AtomicInteger());
    int before = mine.getAndIncrement();
    try {
      return state.reserveWithSlot(queues, withTaking(direct, key, before), wid, now, deadline);
    } finally {
      mine.getAndDecrement();
    }
  }

  /**
   * {@code direct} with each key's slots being taken here; {@code key}'s given, the others read.
   */
  private List<LimitStore.SlotRule> withTaking(
      List<LimitStore.SlotRule> direct, String key, int keyTaking) {
    List<LimitStore.SlotRule> out = new ArrayList<>(direct.size());
    for (LimitStore.SlotRule r : direct) {
      AtomicInteger n = taking.get(r.key());
      out.add(r.taking(r.key().equals(key) ? keyTaking : n == null ? 0 : n.get()));
    }
    return out;
  }

  /**
   * What a one-step claim gives the FETCH: its job (the throttled queues and passed-over job types
   * counted, the gaps closed), or empty when no open queue had one; null when a slot went to a
   * concurrent taker.
   */
  private Optional<Reservation> granted(
      LimitRules in, List<LimitStore.SlotRule> direct, LimitStore.SlotGrant grant) {
    int typesFull = 0;
    for (String key : grant.full()) {
      gaps.wanted(key);
      for (LimitStore.SlotRule r : direct) {
        if (!key.equals(r.key())) {
          continue;
        }
        if (r.scope() == LimitRule.Scope.QUEUE) {
          counters.throttled(in.queue(r.name()));
        } else {
          typesFull++;
        }
      }
    }
    Reservation r = grant.reservation();
    if (r != null) {
      List<LimitStore.SlotClaim> held = Claims.slotsHeld(in, r);
      if (!held.isEmpty()) {
        this.taken.accept(r.jid(), r.queue());
        held.forEach(c -> gaps.granted(c.key()));
      }
      if (typesFull > 0) {
        counters.passedOver(typesFull);
      }
      return Optional.of(r);
    }
    return grant.lost() ? null : Optional.empty();
  }

  private boolean acquire(Reservation r, String wid, Claims claims, Instant now) {
    if (serialize) {
      return state.acquire(r.jid(), wid, claims.slots(), claims.takes(now), now);
    }
    claims
        .slots()
        .forEach(c -> taking.computeIfAbsent(c.key(), k -> new AtomicInteger()).getAndIncrement());
    try {
      return state.acquire(r.jid(), wid, claims.slots(), claims.takes(now), now);
    } finally {
      claims.slots().forEach(c -> taking.get(c.key()).getAndDecrement());
    }
  }

  /** The slots held per key, with those this node is taking right now added. */
  private Map<String, Integer> usage(Instant now) {
    Map<String, Integer> held = state.inFlight(now);
    if (serialize) {
      return held;
    }
    Map<String, Integer> out = new HashMap<>(held);
    taking.forEach((key, n) -> out.merge(key, n.get(), Integer::sum));
    return out;
  }

  /**
   * Reads the usage, leaves out the queues at their limit and passes over the job types at theirs
   * (added to {@code types}), and reserves the first job left.
   */
  private Optional<Reservation> lookAndReserve(
      LimitRules in,
      List<String> queues,
      String wid,
      Instant now,
      Function<byte[], Instant> deadline,
      Set<String> types) {
    Map<String, Integer> inFlight = usage(now);
    Set<String> rateBlocked = in.rated() ? state.rateBlocked(now) : Set.of();
    List<String> open = new ArrayList<>();
    for (String q : queues) {
      LimitRule r = in.queue(q);
      if (r != null && blocked(r, wid, inFlight, rateBlocked)) {
        counters.throttled(r);
        wantedIfFull(r, inFlight);
      } else {
        open.add(q);
      }
    }
    if (open.isEmpty()) {
      return Optional.empty();
    }
    for (LimitRule r : in.jobtypeRules()) {
      if (blocked(r, wid, inFlight, rateBlocked)) {
        types.add(r.name());
        wantedIfFull(r, inFlight);
      }
    }
    PassOver passOver =
        types.isEmpty() && !in.keyed()
            ? PassOver.NOTHING
            : new PassOver(types, partitionRefused(in, rateBlocked));
    return store.reserve(open, wid, now, deadline, passOver);
  }

  /**
   * The slot keys a job of this FETCH may take, when every one is known before the job is chosen:
   * the concurrency and per-worker counts of its queues' rules and of every job type rule, none of
   * which limits a rate. Then a store may reserve and take the slots in one step ({@link
   * LimitStore#reserveWithSlot}); else null.
   */
  private static List<LimitStore.SlotRule> directSlots(
      LimitRules in, List<String> queues, String wid) {
    List<LimitStore.SlotRule> out = new ArrayList<>();
    for (String q : queues) {
      LimitRule r = in.queue(q);
      if (r != null && !addSlots(r, wid, out)) {
        return null;
      }
    }
    for (LimitRule r : in.jobtypeRules()) {
      if (!addSlots(r, wid, out)) {
        return null;
      }
    }
    return out;
  }

  /** Adds {@code r}'s slot keys to {@code out}; false when it limits a rate (not known ahead). */
  private static boolean addSlots(LimitRule r, String wid, List<LimitStore.SlotRule> out) {
    if (r.rate() > 0) {
      return false;
    }
    if (r.concurrency() > 0) {
      out.add(
          new LimitStore.SlotRule(
              r.scope(), r.name(), r.slotKey(), r.concurrency(), r.timeout(), 0));
    }
    if (r.worker() > 0) {
      out.add(
          new LimitStore.SlotRule(
              r.scope(), r.name(), r.workerSlotKey(wid), r.worker(), r.timeout(), 0));
    }
    return true;
  }

  /**
   * True when this FETCH may skip the look at the usage because a slot it needs was just freed here
   * ({@link SlotHandoffs}): no job type rule is in force and its queues hold exactly one limited
   * queue, limited by a plain concurrency rule (no per-worker count, no rate), one of whose freed
   * slots it takes now. Every other queue it lists is open anyway.
   */
  private boolean handedOff(LimitRules in, List<String> queues) {
    if (!in.jobtypeRules().isEmpty()) {
      return false;
    }
    LimitRule limited = null;
    for (String q : queues) {
      LimitRule r = in.queue(q);
      if (r != null) {
        if (limited != null || r.worker() > 0 || r.rate() > 0) {
          return false;
        }
        limited = r;
      }
    }
    return limited != null && limited.concurrency() > 0 && handoffs.take(limited.slotKey());
  }

  private void wantedIfFull(LimitRule r, Map<String, Integer> inFlight) {
    if (r.concurrency() > 0 && inFlight.getOrDefault(r.slotKey(), 0) >= r.concurrency()) {
      gaps.wanted(r.slotKey());
    }
  }

  /** True when a job under {@code r} cannot start now (its partition aside). */
  private static boolean blocked(
      LimitRule r, String wid, Map<String, Integer> inFlight, Set<String> rateBlocked) {
    if (r.concurrency() > 0 && inFlight.getOrDefault(r.slotKey(), 0) >= r.concurrency()) {
      return true;
    }
    if (r.worker() > 0 && inFlight.getOrDefault(r.workerSlotKey(wid), 0) >= r.worker()) {
      return true;
    }
    return r.rate() > 0 && r.key() == null && rateBlocked.contains(r.bucket(null));
  }

  /** Refuses a payload whose queue's or job type's partition bucket is out of budget. */
  private static Predicate<byte[]> partitionRefused(LimitRules in, Set<String> rateBlocked) {
    if (!in.keyed() || rateBlocked.isEmpty()) {
      return p -> false;
    }
    return payload -> {
      JsonNode job;
      try {
        job = JobCodec.MAPPER.readTree(payload);
      } catch (JacksonException e) {
        return false;
      }
      for (LimitRule r : Claims.rulesOf(in, job)) {
        if (r.key() != null
            && rateBlocked.contains(r.bucket(PartitionKey.parse(r.key()).of(job)))) {
          return true;
        }
      }
      return false;
    };
  }
}
