package dev.fabrik.server.limits;

import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.Store;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Concurrency and rate limits (docs/limits.md): the rules in force (conf.d's {@code [throttles]},
 * overridden by those set through {@code /api/limits}, which live in the store so every node sees
 * them within {@link #REFRESH}), the FETCH gate, and the release of slots when a run ends.
 *
 * <pre>
 * Limits limits = new Limits(store, manager, clock);   // hooks FETCH and the outcomes
 * limits.configure(LimitFiles.read(configDir).rules());
 * limits.start();                                       // re-reads the API's rules every 2 s
 * </pre>
 */
public final class Limits implements Service {
  private static final Logger log = LoggerFactory.getLogger(Limits.class);

  /** How soon a rule set through the API on another node is in force here. */
  static final Duration REFRESH = Duration.ofSeconds(2);

  /**
   * A rule in force with where it came from and what it uses now; {@code idleGaps}: the idle gaps
   * of its slots measured here (null when none).
   */
  public record Usage(
      LimitRule rule, String source, int inFlight, boolean rateBlocked, IdleGapSummary idleGaps) {}

  private final Store store;
  private final LimitStore state;
  private final Manager manager;
  private final Clock clock;
  private final LimitCounters counters = new LimitCounters();
  private final IdleGaps gaps = new IdleGaps(System::nanoTime);
  private final SlotHandoffs handoffs;
  private final ExecutorService releases;

  /**
   * Jobs that took slots through this process's FETCH (memory and SQLite stores only), by jid, with
   * their queue and, once their ACK freed the slots ahead of its commit, what it freed.
   */
  private final Map<String, Held> heldHere = new ConcurrentHashMap<>();

  /** The limit state when this process alone opens the store (memory, SQLite); else null. */
  private final InProcessLimitStore local;

  /** A job holding slots taken here; {@code released} is set once its ACK gave them back. */
  private record Held(String queue, InProcessLimitStore.Released released) {}

  private volatile List<LimitRule> confD = List.of();
  private volatile List<LimitRule> saved = List.of();
  private volatile LimitRules rules = LimitRules.NONE;
  private PeriodicService refresher; // null until started
  private boolean stopped;

  public Limits(Store store, Manager manager, Clock clock) {
    this.store = store;
    this.state = store.limits();
    this.local = state instanceof InProcessLimitStore l ? l : null;
    this.manager = manager;
    this.clock = clock;
    this.handoffs = new SlotHandoffs(clock);
    // A release on a shared database is a round trip: never on the thread that answers the ACK.
    this.releases =
        local != null
            ? null
            : Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("fabrik-limit-release").factory());
    // Only a store this process alone opens sees every end of every run here (a shared database's
    // job may be ACKed on another node, and the entry would stay): early release is for those.
    manager.reserveWith(
        new LimitGate(
            store,
            () -> rules,
            counters,
            gaps,
            handoffs,
            local != null
                ? (jid, queue) -> heldHere.put(jid, new Held(queue, null))
                : (j, q) -> {}));
    manager.onOutcome(new SlotRelease());
    refresh();
  }

  /** Registers the limits' metrics in {@code registry}. */
  public void registerMetrics(PrometheusRegistry registry) {
    counters.register(registry, this, clock);
    gaps.register(registry);
  }

  /** Puts conf.d's rules in force (at start and on SIGHUP); the API's rules still win. */
  public void configure(List<LimitRule> fromConfD) {
    this.confD = List.copyOf(fromConfD);
    rebuild();
  }

  /** Re-reads the rules set through the API (kept in the store, shared by every node). */
  public void refresh() {
    try {
      saved = state.savedRules();
      rebuild();
    } catch (RuntimeException e) {
      log.warn("limits: could not read the rules set through the API; keeping the last ones", e);
    }
  }

  /** The periodic work: the rules, and the rate buckets that are full again (one per key seen). */
  private void periodic() {
    refresh();
    try {
      state.purgeIdleBuckets(clock.instant());
    } catch (RuntimeException e) {
      log.warn("limits: could not purge idle rate buckets; trying again in {}", REFRESH, e);
    }
  }

  private synchronized void rebuild() {
    List<LimitRule> all = new ArrayList<>(confD);
    all.addAll(saved);
    rules = new LimitRules(all);
  }

  LimitRules rules() {
    return rules;
  }

  Map<String, Integer> inFlight() {
    return state.inFlight(clock.instant());
  }

  /** Every rule in force with its usage, queues first, by name. */
  public List<Usage> usage() {
    Instant now = clock.instant();
    Map<String, Integer> held = state.inFlight(now);
    Set<String> blocked = state.rateBlocked(now);
    Set<String> fromApi = new java.util.HashSet<>();
    saved.forEach(r -> fromApi.add(r.id()));
    List<Usage> out = new ArrayList<>();
    for (LimitRule r : rules.all()) {
      out.add(
          new Usage(
              r,
              fromApi.contains(r.id()) ? "api" : "conf.d",
              held.getOrDefault(r.slotKey(), 0),
              r.rate() > 0 && r.key() == null && blocked.contains(r.bucket(null)),
              gaps.summary(r.slotKey())));
    }
    out.sort(
        java.util.Comparator.comparing((Usage u) -> u.rule().scope())
            .thenComparing(u -> u.rule().name()));
    return out;
  }

  /** Sets (or replaces) a rule through the API: stored, so every node applies it. */
  public void set(LimitRule rule) {
    state.saveRule(rule);
    refresh();
  }

  /**
   * Removes a rule set through the API; false when none has this id (a conf.d rule is removed by
   * editing conf.d).
   */
  public boolean remove(String id) {
    boolean removed = state.removeRule(id);
    refresh();
    return removed;
  }

  @Override
  public synchronized void start() {
    if (refresher != null || stopped) {
      return;
    }
    refresher = new PeriodicService("fabrik-limits", REFRESH, REFRESH, this::periodic);
    refresher.start();
  }

  @Override
  public void stop(Duration timeout) {
    PeriodicService r;
    synchronized (this) {
      stopped = true;
      r = refresher;
    }
    if (r != null) {
      r.stop(timeout);
    }
    if (releases != null) {
      releases.shutdown();
      try {
        releases.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Frees a run's slots when it ends, however it ends, and wakes a FETCH waiting on its queue. An
   * ACK frees them as soon as it arrives, not after its commit: the worker is done with the job,
   * and on SQLite the commit is most of an ACK's round trip, which a waiting FETCH would otherwise
   * spend with the slot idle (fabrik bench limited-drain). Should that commit fail, the job is
   * still reserved and takes its slots back (even past the limit: the next FETCHes wait until the
   * count is under it again); the ACKing worker had finished, so no more jobs than the limit ran at
   * once. On PostgreSQL the ACK's own statement frees them ({@link LimitStore#ackFreesSlots}): no
   * release follows, the freed slots are offered to this node's next FETCH ({@link SlotHandoffs})
   * and one waiting FETCH is woken.
   */
  private final class SlotRelease implements OutcomeListener {
    @Override
    public boolean acking(String jid) {
      if (heldHere.isEmpty()) {
        return false;
      }
      boolean[] freed = {false};
      Held h =
          heldHere.computeIfPresent(
              jid,
              (k, held) -> {
                if (held.released() != null) {
                  return held; // a second ACK of the jid
                }
                freed[0] = true;
                InProcessLimitStore.Released released = local.releaseHeld(jid);
                released.expiresByKey().keySet().forEach(gaps::freed);
                return new Held(held.queue(), released);
              });
      if (freed[0]) {
        manager.wakeFetcher(h.queue());
      }
      return freed[0];
    }

    @Override
    public void ackFailed(String jid) {
      if (heldHere.isEmpty()) {
        return;
      }
      heldHere.computeIfPresent(
          jid,
          (k, held) -> {
            if (held.released() != null) {
              local.restore(held.released());
            }
            return new Held(held.queue(), null);
          });
    }

    @Override
    public void acknowledged(Reservation r) {
      if (local == null && state.ackFreesSlots()) {
        freedByAck(r);
      } else {
        ended(r);
      }
    }

    @Override
    public void failed(Reservation r, boolean expired) {
      ended(r);
    }

    @Override
    public void snoozed(Reservation r, Instant until) {
      ended(r);
    }

    private void ended(Reservation r) {
      Held h = heldHere.remove(r.jid());
      if (h != null && h.released() != null) {
        return; // its ACK freed the slots already
      }
      if (rules.isEmpty()) {
        return; // no limit in force: nothing was taken (and a plain ACK costs nothing more)
      }
      release(r);
    }

    /**
     * The ACK's own statement freed the run's slots and told the other nodes (PostgreSQL, {@code
     * PgAcks}): offer them to this node's next FETCH of each limit and wake one waiting here, with
     * no round trip in between.
     */
    private void freedByAck(Reservation r) {
      LimitRules in = rules;
      if (in.isEmpty()) {
        return; // no limit in force: nothing to hand on (and a plain ACK costs nothing more)
      }
      freedHere(in, r);
      manager.wakeFetcher(r.queue());
    }

    /** A run's slots are free: the idle gaps open, and the next FETCH here may take them. */
    private void freedHere(LimitRules in, Reservation r) {
      for (LimitStore.SlotClaim c : Claims.slotsHeld(in, r)) {
        gaps.freed(c.key());
        handoffs.freed(c.key(), c.limit());
      }
    }

    private void release(Reservation r) {
      String jid = r.jid();
      String queue = r.queue();
      if (local != null) {
        local.releaseHeld(jid).expiresByKey().keySet().forEach(gaps::freed);
        manager.wakeFetcher(queue);
        return;
      }
      try {
        releases.execute(
            () -> {
              try {
                state.release(jid, queue);
                freedHere(rules, r);
                manager.wakeFetcher(queue);
              } catch (RuntimeException e) {
                log.warn(
                    "limits: releasing the slots of {} failed; they free at their timeout", jid, e);
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // stopping: the slots free at their timeout
      }
    }
  }
}
