package dev.fabrik.server.batch;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.cluster.RecoveryTrigger;
import dev.fabrik.server.fault.CrashPoints;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.storage.QueuedJob;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Faktory Enterprise batches (spec §8.3): the rules behind {@code BATCH NEW/OPEN/COMMIT/STATUS},
 * and what members finishing do to their batch. The hooks that feed it live in {@link
 * BatchOutcomes}.
 *
 * <p>A batch completes when it is committed, not re-opened, none of its members is pending and each
 * child batch completed (its complete state is {@code "2"}); it succeeds once it completed, every
 * member succeeded and each child succeeded. Reaching either pushes its callback, an ordinary job
 * carrying {@code custom._bid} (and {@code custom._cb}, which one), exactly once: the state moves
 * {@code "" → "1"} by one compare-and-set and only its winner pushes. The callback's ACK moves it
 * to {@code "2"}; the success check runs after the complete callback's ACK, as Enterprise does.
 *
 * <p>All store work of this node runs on one platform thread, in the order it was asked for: the
 * hooks hand it over without waiting, and {@code STATUS} and {@code COMMIT} queue behind it, so a
 * client that ACKed on this node reads its own ACK. Nodes sharing a PostgreSQL database need no
 * coordination beyond the store's compare-and-sets. The same thread runs the periodic {@link
 * #sweep}: expiring batches never committed, purging finished ones and re-checking committed ones
 * (a node that crashed between a member's last ACK and its check leaves the work to the sweep).
 */
public final class Batches implements Service {
  private static final Logger log = LoggerFactory.getLogger(Batches.class);

  /** How long a batch waits for its COMMIT after NEW or OPEN. */
  public static final Duration OPEN_FOR = Duration.ofMinutes(30);

  /** The default time a completed batch stays visible to STATUS. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  /** How long this node trusts that a bid it saw open still is (other nodes may commit it). */
  private static final Duration OPEN_CACHE = Duration.ofSeconds(2);

  private static final int SWEEP_CHUNK = 500;

  /** The least age of a member the periodic recovery pass judges ({@link #periodicGrace}). */
  static final Duration PERIODIC_GRACE = CrashPoints.recoveryGrace();

  /** Most pages of committed batches one sweep re-checks; the next sweep goes on from there. */
  private static final int SWEEP_PAGES = 4;

  /**
   * Most pending members one sweep judges for a vanished job ({@link #settleVanishedMembers}): one
   * page costs one scan of each job table, whatever its size, so one large page per sweep.
   */
  static final int VANISHED_PAGE = 5000;

  /** Most ACK/FAIL outcomes written in one store operation. */
  private static final int GROUP = 2000;

  /** An outcome and when it was reported. */
  private record Timed(MemberOutcome outcome, Instant at) {}

  private final BatchStore store;
  private final Function<Job, QueuedJob> prepare;
  private final Clock clock;
  private final Duration retention;
  private final Duration sweepEvery;
  private final Duration recoveryGrace;
  private final RecoveryTrigger recoveryDue;
  private final ConcurrentHashMap<String, Instant> knownOpen = new ConcurrentHashMap<>();
  private final AtomicLong callbacksPushed = new AtomicLong();
  private final ConcurrentLinkedQueue<Timed> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainQueued = new AtomicBoolean();
  private ScheduledExecutorService work;
  private boolean stopped;

  /** The last bid the sweep re-checked (null: start over); only the batches thread uses it. */
  private String sweptUpTo;

  /** The last member the vanished pass judged (null: start over); the batches thread's. */
  private MemberKey vanishedUpTo;

  private final VanishedCallbacks vanishedCallbacks;

  /**
   * @param prepare validates a callback job and fills its defaults as PUSH does, without storing it
   *     ({@code Manager::prepareForEnqueue}): the store stores it with the callback's state
   * @param retention how long a completed batch is kept
   * @param sweepEvery the period of {@link #sweep}
   * @param recoveryGrace at start, members joined at least this long ago whose job is gone count as
   *     succeeded (zero for a store one process owns; longer where other nodes may be pushing)
   * @param recoveryDue when the sweep's recovery pass runs (after a node sharing the store was
   *     lost)
   */
  public Batches(
      BatchStore store,
      Function<Job, QueuedJob> prepare,
      Clock clock,
      Duration retention,
      Duration sweepEvery,
      Duration recoveryGrace,
      RecoveryTrigger recoveryDue) {
    this.store = store;
    this.prepare = prepare;
    this.clock = clock;
    this.retention = retention;
    this.sweepEvery = sweepEvery;
    this.recoveryGrace = recoveryGrace;
    this.recoveryDue = recoveryDue;
    this.vanishedCallbacks = new VanishedCallbacks(store, periodicGrace());
    this.work =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("fabrik-batches").daemon(true).factory());
  }

  @Override
  public synchronized void start() {
    if (stopped) {
      throw new IllegalStateException("the batches service was stopped; make a new one");
    }
    later(this::recover);
    long ms = sweepEvery.toMillis();
    work.scheduleWithFixedDelay(this::sweepSafely, 0, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop(Duration timeout) {
    ScheduledExecutorService e;
    synchronized (this) {
      stopped = true;
      e = work;
    }
    e.shutdown();
    try {
      if (!e.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        e.shutdownNow();
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  /** The store, for the web pages. */
  public BatchStore store() {
    return store;
  }

  /** Callbacks this node pushed since start. */
  public long callbacksPushed() {
    return callbacksPushed.get();
  }

  // ---------------------------------------------------------------- commands

  /**
   * {@code BATCH NEW}: stores an open batch and returns its bid.
   *
   * @throws CommandException no callback, a callback that is not a job, or an unknown parent
   */
  public String create(BatchRequest request) {
    if (request.success() == null && request.complete() == null) {
      throw CommandException.err("a batch needs a success or a complete callback job");
    }
    String complete = callbackJson("complete", request.complete());
    String success = callbackJson("success", request.success());
    String parent = request.parentBid();
    if (parent != null && call(() -> store.row(parent)).isEmpty()) {
      throw CommandException.err("unknown parent batch " + CommandException.excerpt(parent));
    }
    Instant now = clock.instant();
    String bid = BatchIds.next();
    BatchRecord b =
        BatchRecord.created(
            bid, parent, request.description(), now, now.plus(OPEN_FOR), complete, success);
    call(
        () -> {
          store.create(b);
          return null;
        });
    knownOpen.put(bid, now.plus(OPEN_CACHE));
    return bid;
  }

  /** Checks a callback job now, so a bad one is refused at NEW rather than lost at completion. */
  private static String callbackJson(String which, ObjectNode job) {
    if (job == null) {
      return null;
    }
    ObjectNode copy = job.deepCopy();
    JsonNode type = copy.get("jobtype");
    if (type == null || !type.isString() || type.stringValue().isEmpty()) {
      throw CommandException.err("the " + which + " callback must be a job with a jobtype");
    }
    JsonNode jid = copy.get("jid");
    if (jid == null || jid.isNull() || (jid.isString() && jid.stringValue().isEmpty())) {
      copy.put("jid", BatchIds.jid());
    }
    if (copy.get("args") == null || copy.get("args").isNull()) {
      copy.putArray("args");
    }
    String json = JobCodec.MAPPER.writeValueAsString(copy);
    try {
      JobCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    } catch (JobFormatException e) {
      throw CommandException.err("the " + which + " callback is not a job: " + e.getMessage());
    }
    return json;
  }

  /** {@code BATCH OPEN}: jobs may join again until the next COMMIT; returns the bid. */
  public String open(String bid) {
    Instant now = clock.instant();
    if (!call(() -> store.reopen(bid, now.plus(OPEN_FOR)))) {
      throw unknown(bid);
    }
    knownOpen.put(bid, now.plus(OPEN_CACHE));
    return bid;
  }

  /** {@code BATCH COMMIT}: no more jobs join; callbacks may fire (at once for an empty batch). */
  public void commit(String bid) {
    knownOpen.remove(bid);
    call(
        () -> {
          if (!store.commit(bid)) {
            if (store.row(bid).isEmpty()) {
              throw unknown(bid);
            }
            throw CommandException.err(
                "batch " + bid + " is already committed; BATCH OPEN it to add jobs");
          }
          settle(bid, clock.instant());
          return null;
        });
  }

  /** {@code BATCH STATUS}: the batch after every outcome this node saw before the call. */
  public BatchRecord status(String bid) {
    return call(() -> store.get(bid)).orElseThrow(() -> unknown(bid));
  }

  private static CommandException unknown(String bid) {
    return CommandException.err("unknown batch " + CommandException.excerpt(bid));
  }

  // ---------------------------------------------------------------- membership

  /**
   * Whether a job may join {@code bid} now (a PUSH checks this before storing anything): the batch
   * exists and is open. Asked on the connection's thread, so a bid this node saw open a moment ago
   * is answered from memory.
   */
  void requireOpen(String bid) {
    Instant now = clock.instant();
    Instant until = knownOpen.get(bid);
    if (until != null && now.isBefore(until)) {
      return;
    }
    Optional<BatchRecord> b = store.row(bid);
    if (b.isEmpty()) {
      throw BatchRefusals.unknown(bid);
    }
    if (!b.get().open()) {
      throw BatchRefusals.committed(bid);
    }
    knownOpen.put(bid, now.plus(OPEN_CACHE));
  }

  /**
   * Records the member. Where the store answers at once (PostgreSQL, memory) a batch found closed
   * refuses the push: another node committed it after this node last saw it open, and its member
   * rows are exact, so the job must not be stored as if it had joined. A store with one writer
   * answers later, but there this node's own COMMIT already dropped the bid from its cache.
   *
   * @throws CommandException the batch is no longer open
   */
  void joining(String bid, String jid) {
    CompletableFuture<Boolean> joined =
        store
            .join(bid, jid, clock.instant())
            .exceptionally(
                e -> {
                  log.warn("batch {} membership of {} not stored: {}", bid, jid, e.toString());
                  return true;
                });
    if (joined.isDone() && !joined.join()) {
      knownOpen.remove(bid);
      // Closed, or gone: another node's FLUSH (or expiry) deleted it while this node trusted it.
      if (store.row(bid).isEmpty()) {
        throw BatchRefusals.unknown(bid);
      }
      throw BatchRefusals.committed(bid);
    }
  }

  /**
   * FLUSH deleted every batch: this node forgets the bids it trusted as open, so a push naming one
   * reads the store and is refused. Other nodes sharing the database still trust theirs for up to
   * {@link #OPEN_CACHE}; there the membership insert, which needs the open batch row, refuses it.
   */
  public void flushed() {
    knownOpen.clear();
  }

  void notJoined(String bid, String jid) {
    later(() -> store.leave(bid, jid));
  }

  // The time is taken when the outcome is reported, not when the batches thread gets to it.

  /**
   * Queued and written in groups: the batches thread takes every outcome waiting (up to {@link
   * #GROUP}) into one store operation, then checks each batch that moved once. A drain is queued
   * whenever none is, so a STATUS asked after an ACK still runs after that ACK's outcome.
   */
  void memberFinished(String bid, String jid, MemberState state) {
    outcomes.add(new Timed(new MemberOutcome(bid, jid, state), clock.instant()));
    if (drainQueued.compareAndSet(false, true)) {
      later(this::drainOutcomes);
    }
  }

  private void drainOutcomes() {
    drainQueued.set(false);
    List<MemberOutcome> group = new ArrayList<>();
    Instant at = null;
    for (Timed t = outcomes.poll(); t != null; t = group.size() < GROUP ? outcomes.poll() : null) {
      group.add(t.outcome());
      at = t.at();
    }
    if (!outcomes.isEmpty() && drainQueued.compareAndSet(false, true)) {
      later(this::drainOutcomes);
    }
    if (group.isEmpty()) {
      return;
    }
    for (String bid : store.finishAll(group)) {
      settle(bid, at);
    }
  }

  void callbackFinished(String bid, Callback callback) {
    Instant at = clock.instant();
    later(
        () -> {
          if (store.callbackDone(bid, callback, at)) {
            settle(bid, at);
          }
        });
  }

  // ---------------------------------------------------------------- completion

  /**
   * Moves {@code bid} (then its ancestors, when it finished a step) as far as its members allow,
   * pushing each callback the step reached. Runs on the batches thread.
   */
  private void settle(String first, Instant now) {
    Deque<String> todo = new ArrayDeque<>();
    todo.add(first);
    while (!todo.isEmpty()) {
      String bid = todo.poll();
      Optional<BatchRecord> found = store.row(bid);
      if (found.isEmpty()) {
        continue;
      }
      BatchRecord b = found.get();
      boolean finishedStep = false;
      if (b.completeSt().equals(BatchRecord.PENDING)) {
        if (b.completeJob() == null) {
          finishedStep = store.markComplete(bid, BatchRecord.DONE, now);
        } else if (mayFire(bid, false)) {
          fire(bid, Callback.COMPLETE, b.completeJob(), now);
        }
      }
      BatchRecord after = store.row(bid).orElse(b);
      if (after.completeSt().equals(BatchRecord.DONE)
          && after.successSt().equals(BatchRecord.PENDING)) {
        if (b.successJob() == null) {
          finishedStep |= store.markSuccess(bid, BatchRecord.DONE);
        } else if (mayFire(bid, true)) {
          fire(bid, Callback.SUCCESS, b.successJob(), now);
        }
      }
      // A step that ends at "2" (reached here, or by a callback's ACK before this settle) may be
      // what the parent waits for.
      if (b.parentBid() != null
          && (finishedStep
              || after.completeSt().equals(BatchRecord.DONE)
              || after.successSt().equals(BatchRecord.DONE))) {
        todo.add(b.parentBid());
      }
    }
  }

  /**
   * A cheap look before a callback job is prepared (one index probe): no member pending, and for
   * success none failed. The store's compare-and-set in {@link BatchStore#fire} decides.
   */
  private boolean mayFire(String bid, boolean success) {
    return store.members(bid, MemberState.PENDING, 1).isEmpty()
        && (!success || store.members(bid, MemberState.FAILED, 1).isEmpty());
  }

  /**
   * Stores the callback job together with its state {@code "" → "1"} ({@link BatchStore#fire}):
   * there is no moment at which the state says pushed and the job does not exist. A callback that
   * cannot be prepared leaves the state at {@code ""}; the sweep tries again.
   */
  private void fire(String bid, Callback which, String json, Instant now) {
    QueuedJob job;
    try {
      ObjectNode node = (ObjectNode) JobCodec.MAPPER.readTree(json);
      JsonNode custom = node.get("custom");
      ObjectNode c = custom instanceof ObjectNode o ? o : node.putObject("custom");
      c.put(BatchKeys.CALLBACK, bid);
      c.put(BatchKeys.WHICH, which.wireName());
      node.remove("at"); // a callback runs when its batch gets there, not at a time given at NEW
      job = prepare.apply(JobCodec.decode(JobCodec.MAPPER.writeValueAsBytes(node)));
    } catch (RuntimeException e) {
      log.error("the {} callback of batch {} is not a valid job", which.wireName(), bid, e);
      return;
    }
    if (store.fire(bid, which, job, now)) {
      callbacksPushed.incrementAndGet();
      CrashPoints.reached(CrashPoints.CALLBACK_STORED);
    }
  }

  // ---------------------------------------------------------------- periodic

  /**
   * Expires batches never committed in time, closes stale re-opens, purges batches completed longer
   * than the retention ago, settles members and callbacks whose job vanished ({@link
   * VanishedCallbacks}), and re-checks committed batches that may have missed a check.
   */
  void sweep() {
    Instant now = clock.instant();
    for (String bid : store.expire(now, SWEEP_CHUNK)) {
      knownOpen.remove(bid);
      log.info("batch {} expired: not committed within {}", bid, OPEN_FOR);
    }
    for (String bid : store.closeStaleReopens(now, SWEEP_CHUNK)) {
      knownOpen.remove(bid);
      settle(bid, now);
    }
    store.purge(now.minus(retention), SWEEP_CHUNK);
    if (recoveryDue.due(now)) {
      settleVanished(now.minus(periodicGrace()), "before");
    }
    settleVanishedMembers(now);
    List<String> callbacksGone = vanishedCallbacks.settle(now);
    if (!callbacksGone.isEmpty()) {
      log.info("batches: callbacks whose job vanished counted as done in {}", callbacksGone);
    }
    for (String bid : callbacksGone) {
      settle(bid, now);
    }
    recheckCommitted(now);
  }

  /**
   * Members whose job vanished while every node ran (an operator deleted it, FETCH dropped it
   * expired, or killed it to the dead set) report no outcome: one page of pending members joined
   * more than {@link #periodicGrace} ago is judged on the job tables each sweep, and the batches
   * that moved are checked at once, so their callbacks fire (once, by their compare-and-set). The
   * next sweep goes on after the page; with nothing pending the store reads no job table.
   */
  private void settleVanishedMembers(Instant now) {
    VanishedPage page =
        store.settleVanishedPage(vanishedUpTo, now.minus(periodicGrace()), VANISHED_PAGE);
    vanishedUpTo = page.next();
    if (!page.moved().isEmpty()) {
      log.info("batches: members whose job vanished settled in {} batches", page.moved().size());
    }
    for (String bid : page.moved()) {
      settle(bid, now);
    }
  }

  /**
   * The sweep's own recovery pass: a node of a shared database may die and never restart, so every
   * node settles lost outcomes (a discard counted as failed, an ACK as succeeded) once a minute.
   * Only members joined longer than {@link #PERIODIC_GRACE} ago (or the start's grace, if longer)
   * are judged: a member whose job is still being stored is not taken for an ACKed one. A report
   * that arrives after the pass changes nothing (members move only forward).
   */
  private Duration periodicGrace() {
    return recoveryGrace.compareTo(PERIODIC_GRACE) > 0 ? recoveryGrace : PERIODIC_GRACE;
  }

  /**
   * Re-checks committed batches by keyset pages of {@link #SWEEP_CHUNK}, at most {@link
   * #SWEEP_PAGES} pages per sweep: however many there are, each is re-checked within a few sweeps,
   * and one sweep's work stays bounded.
   */
  private void recheckCommitted(Instant now) {
    for (int page = 0; page < SWEEP_PAGES; page++) {
      List<String> bids = store.unsettled(sweptUpTo, SWEEP_CHUNK);
      for (String bid : bids) {
        settle(bid, now);
      }
      if (bids.size() < SWEEP_CHUNK) {
        sweptUpTo = null; // the end: the next sweep starts over
        return;
      }
      sweptUpTo = bids.getLast();
    }
  }

  /**
   * After a crash: members whose ACK was stored but whose outcome was not count as succeeded, those
   * whose FAIL was stored as failed; the first sweep (queued right behind) then fires what they
   * were holding back.
   */
  private void recover() {
    settleVanished(clock.instant().minus(recoveryGrace), "before the last stop");
  }

  private void settleVanished(Instant joinedBefore, String when) {
    int n = store.settleVanished(joinedBefore);
    if (n > 0) {
      log.info("batches: {} members and callbacks finished {} were settled", n, when);
    }
  }

  private void sweepSafely() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("the batch sweep failed; trying again next period", e);
    }
  }

  /** Runs a sweep now on the batches thread and waits for it (tests, and after a restart). */
  public void sweepNow() {
    call(
        () -> {
          sweep();
          return null;
        });
  }

  // ---------------------------------------------------------------- the batches thread

  private void later(Runnable r) {
    try {
      work.execute(
          () -> {
            try {
              r.run();
            } catch (RuntimeException e) {
              log.warn("batch bookkeeping failed; the sweep will retry the check", e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.warn("batch bookkeeping dropped: the server is stopping");
    }
  }

  private <T> T call(Callable<T> c) {
    Future<T> f = work.submit(c);
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandException.err("interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Bids this node holds as open (for tests). */
  List<String> cachedOpen() {
    return List.copyOf(knownOpen.keySet());
  }
}
