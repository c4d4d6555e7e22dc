package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobEncoder;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.priority.PriorityField;
import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.unique.UniqueClaim;
import dev.fabrik.server.unique.UniqueJobs;
import dev.fabrik.server.unique.UniqueOption;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Every rule of a job's life: push (validation, defaults, scheduling), fetch (queue order, paused
 * queues, quiet workers, blocking wait), ack, fail (retry policy, backoff, dead set). The rest it
 * hands to collaborators that share its hooks and listeners: {@link #maintenance()} (the timed
 * passes: due jobs, expired reservations, purges), {@link #queues()} (QUEUE PAUSE/RESUME/REMOVE/
 * LATENCY) and {@link #sets()} (MUTATE). Never touches a socket; command handlers call it and turn
 * its {@link dev.fabrik.server.CommandException}s into {@code -CODE message} replies. Thread-safe.
 */
public final class Manager {
  private final Store store;
  private final WorkerRegistry workers;
  private final Clock clock;
  private final ManagerSettings settings;
  private final RetryPolicy retryPolicy;
  private final FetchWaiters waiters = new FetchWaiters();
  private final List<JobMiddleware> middleware = new CopyOnWriteArrayList<>();
  private final List<OutcomeListener> outcomes = new CopyOnWriteArrayList<>();
  private final List<Runnable> flushListeners = new CopyOnWriteArrayList<>();
  private final Fetcher fetcher;
  private final TaskStatsRecorder tasks = new TaskStatsRecorder();
  private final UniqueJobs unique;
  private final Maintenance maintenance;
  private final QueueControl queues;
  private final SetActions sets;
  private volatile PushRoute route;

  public Manager(Store store, WorkerRegistry workers, Clock clock, ManagerSettings settings) {
    this(store, workers, clock, settings, new Random());
  }

  /** With the random source of the retry backoff, so tests can pin the curve. */
  Manager(
      Store store,
      WorkerRegistry workers,
      Clock clock,
      ManagerSettings settings,
      RandomGenerator random) {
    this.store = store;
    this.workers = workers;
    this.clock = clock;
    this.settings = settings;
    this.retryPolicy = new RetryPolicy(random, settings.deadTtl());
    this.fetcher = new Fetcher(store, workers, clock, settings.fetchWait(), waiters, middleware);
    this.unique = new UniqueJobs(store.uniqueLocks());
    this.maintenance =
        new Maintenance(
            store, workers, clock, settings, retryPolicy, middleware, outcomes, tasks, unique);
    this.queues = new QueueControl(store, clock);
    this.sets = new SetActions(store, clock, settings.deadTtl());
    store.onEnqueued(waiters::wake);
    store.onEnqueuedElsewhere(waiters::wake);
    workers.onStoppedRunning(waiters::release);
  }

  /** Adds a hook around push, fetch and ack (run in the order added). */
  public void use(JobMiddleware hook) {
    middleware.add(hook);
  }

  /** Lets {@code r} store the pushed jobs it claims (workflows); one route at most. */
  public void route(PushRoute r) {
    route = r;
  }

  /** Adds a listener told of every ACK, FAIL and expired reservation. */
  public void onOutcome(OutcomeListener listener) {
    outcomes.add(listener);
  }

  /**
   * Adds a listener run after every FLUSH has committed: a cache of something FLUSH deleted (the
   * bids batches remember as open) must forget it, or it would answer for data that is gone.
   */
  public void onFlush(Runnable listener) {
    flushListeners.add(listener);
  }

  /** Lets {@code reserver} take FETCH's jobs from the store (the concurrency and rate limits). */
  public void reserveWith(Reserver reserver) {
    fetcher.reserveWith(reserver);
  }

  /** Wakes one FETCH blocked on {@code queue}: a limit slot for its jobs was freed. */
  public void wakeFetcher(String queue) {
    waiters.wake(queue, 1);
  }

  // ---------------------------------------------------------------- push

  /** PUSH: validates, fills defaults, then schedules (future {@code at}) or enqueues. */
  public void push(Job job) {
    Instant now = clock.instant();
    Prepared p = prepare(job, Timestamps.format(now), now);
    if (routed(p)) {
      pushRouted(p, now);
    } else if (p.claim() != null) {
      join(pushUnique(p, now));
    } else if (p.scheduledAt() != null) {
      store.addToSet(SetName.SCHEDULED, p.scheduledAt(), p.job());
    } else {
      store.enqueue(List.of(p.job()));
    }
  }

  /**
   * PUSH for a caller that must not wait (the event loop): validates at once, throwing a {@link
   * CommandException} as {@link #push} does, and returns a stage that completes once the job is
   * stored, possibly on the store's writer thread (chain only short, non-blocking work to it). A
   * scheduled job's set write is a blocking store call, so it runs on a virtual thread.
   */
  public CompletableFuture<Void> pushAsync(Job job) {
    Instant now = clock.instant();
    Prepared p = prepare(job, Timestamps.format(now), now);
    if (routed(p)) {
      return CompletableFuture.runAsync(() -> pushRouted(p, now), Thread::startVirtualThread);
    }
    if (p.claim() != null) {
      return pushUnique(p, now);
    }
    if (p.scheduledAt() != null) {
      return CompletableFuture.runAsync(
          () -> store.addToSet(SetName.SCHEDULED, p.scheduledAt(), p.job()),
          Thread::startVirtualThread);
    }
    return store.enqueueAsync(List.of(p.job()));
  }

  private boolean routed(Prepared p) {
    PushRoute r = route;
    return r != null && r.takes(p.stored());
  }

  /** A PUSH the route stores; its refusal becomes {@code -ERR <reason>}. */
  private void pushRouted(Prepared p, Instant now) {
    Map<String, String> refused =
        route.store(List.of(new PushRoute.Routed(p.stored(), p.job(), p.scheduledAt())), now);
    if (!refused.isEmpty()) {
      notStored(p.stored());
      throw CommandException.err(refused.values().iterator().next());
    }
  }

  /** A unique PUSH: the job and its lock in one store write; fails NOTUNIQUE when held. */
  private CompletableFuture<Void> pushUnique(Prepared p, Instant now) {
    QueuedJob q = p.job();
    CompletableFuture<Void> stored =
        p.scheduledAt() == null
            ? unique.pushOne(List.of(q), List.of(), p.claim(), now)
            : unique.pushOne(
                List.of(),
                List.of(
                    new SetEntry(
                        SetName.SCHEDULED, p.scheduledAt(), q.jid(), q.queue(), q.payload())),
                p.claim(),
                now);
    return stored.whenComplete(
        (ignored, refused) -> {
          if (refused != null) {
            notStored(p.stored());
          }
        });
  }

  private void notStored(Job job) {
    for (OutcomeListener l : outcomes) {
      l.notStored(job);
    }
  }

  private static void join(CompletableFuture<Void> stored) {
    try {
      stored.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /**
   * PUSHB: validates each job in turn and returns {@code jid → error text} for the ones refused
   * ({@code ""} for a job without jid); coded errors keep their code ({@code "NOTUNIQUE ..."}),
   * plain ERR ones do not. Every valid immediate job is stored by ONE enqueue call, so a batch of a
   * thousand is one group-committed write.
   */
  public Map<String, String> pushBulk(List<Job> jobs) {
    Instant now = clock.instant();
    String createdAt = Timestamps.format(now);
    Map<String, String> errors = new LinkedHashMap<>();
    List<QueuedJob> immediate = new ArrayList<>(jobs.size());
    List<SetEntry> scheduled = new ArrayList<>();
    List<UniqueClaim> claims = new ArrayList<>();
    List<PushRoute.Routed> routed = new ArrayList<>();
    // One generator for all the batch's jobs (JobEncoder says why).
    try (JobEncoder encoder = new JobEncoder()) {
      for (Job job : jobs) {
        try {
          Prepared p = prepare(job, createdAt, now, encoder::encode);
          if (routed(p)) {
            routed.add(new PushRoute.Routed(p.stored(), p.job(), p.scheduledAt()));
            continue;
          }
          if (p.claim() != null) {
            claims.add(p.claim());
          }
          if (p.scheduledAt() != null) {
            QueuedJob q = p.job();
            scheduled.add(
                new SetEntry(SetName.SCHEDULED, p.scheduledAt(), q.jid(), q.queue(), q.payload()));
          } else {
            immediate.add(p.job());
          }
        } catch (CommandException e) {
          String text = "ERR".equals(e.code()) ? e.getMessage() : e.code() + " " + e.getMessage();
          errors.put(job.jid() == null ? "" : job.jid(), text);
        }
      }
    }
    // One atomic step for the whole batch: a crash or a full disk never keeps part of it.
    if (!claims.isEmpty()) {
      Set<String> refused = unique.pushBatch(immediate, scheduled, claims, now);
      for (Job job : jobs) {
        if (refused.contains(job.jid())) {
          errors.put(job.jid(), UniqueJobs.CODE + " " + UniqueJobs.MESSAGE);
          notStored(job);
        }
      }
    } else if (!immediate.isEmpty() || !scheduled.isEmpty()) {
      store.push(immediate, scheduled);
    }
    if (!routed.isEmpty()) {
      Map<String, String> refused = route.store(routed, now);
      for (PushRoute.Routed r : routed) {
        if (refused.containsKey(r.job().jid())) {
          errors.put(r.job().jid(), refused.get(r.job().jid()));
          notStored(r.job());
        }
      }
    }
    return errors;
  }

  /**
   * Validates {@code job} and fills its defaults as PUSH would, returning it as the store would
   * keep it (enqueued now), for callers that store it themselves in one step with state of their
   * own (cron's claim of a tick). Refuses a job with a future {@code at}. Such a job takes no
   * unique lock: its caller's own claim (one job per cron tick) is what keeps it single.
   *
   * @throws CommandException the job is not acceptable
   */
  public QueuedJob prepareForEnqueue(Job job) {
    Instant now = clock.instant();
    Prepared p = prepare(job, Timestamps.format(now), now);
    if (p.scheduledAt() != null) {
      throw CommandException.err("a job stored directly may not be scheduled (at)");
    }
    return p.job();
  }

  /**
   * A validated job (defaults filled) and its stored form, its run time when it goes to the
   * scheduled set, and its unique lock's claim (null for most jobs).
   */
  private record Prepared(Job stored, QueuedJob job, Instant scheduledAt, UniqueClaim claim) {}

  private Prepared prepare(Job job, String createdAt, Instant now) {
    return prepare(job, createdAt, now, JobCodec::encode);
  }

  /** {@link #prepare} with the encoder of a batch's jobs (one generator for all of a PUSHB). */
  private Prepared prepare(Job job, String createdAt, Instant now, Function<Job, byte[]> encoder) {
    JobValidator.Valid v = JobValidator.validate(job, createdAt);
    for (JobMiddleware m : middleware) {
      m.beforePush(v.job());
    }
    boolean scheduled = v.scheduledAfter(now);
    // createdAt was formatted from this same instant by the caller: no second formatting.
    Job stored = scheduled ? v.job() : v.job().withEnqueuedAt(createdAt);
    byte[] payload = encoder.apply(stored);
    if (payload.length > settings.maxJobBytes()) {
      throw CommandException.err(
          "job is too large: "
              + payload.length
              + " bytes, the limit is "
              + settings.maxJobBytes()
              + " bytes");
    }
    try {
      for (OutcomeListener l : outcomes) {
        l.pushing(stored);
      }
    } catch (CommandException refused) { // batches: the batch closed on another node meanwhile
      notStored(stored);
      throw refused;
    }
    QueuedJob queued =
        new QueuedJob(stored.jid(), stored.queue(), payload, PriorityField.of(stored));
    Instant at = scheduled ? v.at() : null;
    UniqueOption option = UniqueOption.of(stored);
    return new Prepared(
        stored,
        queued,
        at,
        option == null ? null : option.claim(stored.jid(), at == null ? now : at));
  }

  // ---------------------------------------------------------------- fetch, ack, fail

  /**
   * FETCH: the first job of the first non-empty, non-paused queue, reserved for {@code wid}; waits
   * up to {@code settings.fetchWait()} for one to arrive. Empty when nothing came or the worker is
   * quiet/terminating (then it waits the full time, so idle workers do not spin); a FETCH already
   * waiting when its worker goes quiet returns empty at once, leaving later jobs to others.
   *
   * @return the job's payload as it is to be sent
   */
  public Optional<byte[]> fetch(String wid, List<String> queues) throws InterruptedException {
    return fetcher.fetch(wid, queues, false).map(this::handedOut);
  }

  /**
   * {@link #fetch} right after {@link #fetchNowAsync} found nothing: the wait starts without a
   * first look, which would be a second database round trip for the same empty queues (a look still
   * follows the waiter's registration, so a job stored meanwhile is not missed).
   */
  public Optional<byte[]> fetchAfterEmptyLook(String wid, List<String> queues)
      throws InterruptedException {
    return fetcher.fetch(wid, queues, true).map(this::handedOut);
  }

  /**
   * True when even a FETCH that finds a job waits for storage I/O ({@link
   * Store#reserveWaitsForIo}).
   */
  public boolean fetchWaitsForStorage() {
    return store.reserveWaitsForIo();
  }

  /**
   * FETCH without waiting: the job {@link #fetch} would return at once, or empty when it would wait
   * (nothing queued, a quiet worker, every queue paused); the caller then calls {@link #fetch} on a
   * thread that may block. Never blocks on work arriving; the store may read a payload from disk.
   */
  public Optional<byte[]> fetchNow(String wid, List<String> queues) {
    return fetcher.fetchNow(wid, queues).map(this::handedOut);
  }

  /**
   * {@link #fetchNow} for a store whose reserve is a round trip ({@link #fetchWaitsForStorage}):
   * the job, or empty when {@link #fetch} would wait or look again (the job middleware dropped the
   * job), completed on the store's thread that got the database's answer; listeners of the fetched
   * job run there too. Null when this FETCH cannot be answered without blocking (a limit in force):
   * call {@link #fetch} on a thread that may block.
   */
  public CompletableFuture<Optional<byte[]>> fetchNowAsync(String wid, List<String> queues) {
    CompletableFuture<Optional<Reservation>> r = fetcher.fetchNowAsync(wid, queues);
    return r == null ? null : r.thenApply(taken -> taken.map(this::handedOut));
  }

  private byte[] handedOut(Reservation r) {
    unique.fetched(r);
    for (OutcomeListener l : outcomes) {
      l.fetched(r);
    }
    return r.payload();
  }

  /** ACK: unknown jids are fine (the job was reaped or already acked). */
  public void ack(String jid) {
    if (jid == null || jid.isEmpty()) {
      return;
    }
    boolean undoOnFailure = acking(jid);
    Optional<Reservation> r;
    try {
      r = store.acknowledge(jid);
    } catch (RuntimeException e) {
      if (undoOnFailure) {
        ackFailed(jid);
      }
      throw e;
    }
    acknowledged(r);
    join(unique.acknowledged(r));
  }

  /**
   * ACK for a caller that must not wait (the event loop); the stage completes once {@link #ack}
   * would have returned, possibly on the store's writer thread.
   */
  public CompletableFuture<Void> ackAsync(String jid) {
    if (jid == null || jid.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    boolean undoOnFailure = acking(jid);
    CompletableFuture<Optional<Reservation>> written = store.acknowledgeAsync(jid);
    if (undoOnFailure) {
      written =
          written.whenComplete(
              (r, e) -> {
                if (e != null) {
                  ackFailed(jid);
                }
              });
    }
    return written.thenCompose(
        r -> {
          acknowledged(r);
          return unique.acknowledged(r);
        });
  }

  /** True when some listener must hear of the ACK's failure. */
  private boolean acking(String jid) {
    boolean undo = false;
    for (OutcomeListener l : outcomes) {
      undo |= l.acking(jid);
    }
    return undo;
  }

  private void ackFailed(String jid) {
    for (OutcomeListener l : outcomes) {
      l.ackFailed(jid);
    }
  }

  private void acknowledged(Optional<Reservation> r) {
    if (r.isEmpty()) {
      return;
    }
    for (OutcomeListener l : outcomes) {
      l.acknowledged(r.get());
    }
    // Decoded only for a hook that wants this job: most ACKs concern none.
    Job job = null;
    for (JobMiddleware m : middleware) {
      if (m.inspects(r.get().options())) {
        if (job == null) {
          job = JobCodec.decode(r.get().payload());
        }
        m.afterAck(job);
      }
    }
  }

  /**
   * FAIL: {@code -ERR Job not found <jid>} when it holds no reservation. A FAIL that asks for a
   * snooze ({@link Snoozes}) ends the reservation without failing the job: it waits in the
   * scheduled set, its retry state untouched, and the listeners hear {@link
   * OutcomeListener#snoozed} instead of {@link OutcomeListener#failed}.
   */
  public void fail(FailureReport report) {
    FailureReports.Sanitized failure = FailureReports.sanitize(report);
    Optional<Duration> snooze = Snoozes.requested(report);
    if (snooze.isPresent()) {
      snooze(report.jid(), clock.instant().plus(snooze.get()));
      return;
    }
    DecisionTaken decided = new DecisionTaken(retryPolicy.decision(failure, clock.instant()));
    Optional<Reservation> failed = store.fail(report.jid(), decided);
    if (failed.isEmpty()) {
      throw CommandException.err("Job not found " + CommandException.excerpt(report.jid()));
    }
    for (OutcomeListener l : outcomes) {
      l.failed(failed.get(), false, decided.outcome);
    }
  }

  private void snooze(String jid, Instant until) {
    Optional<Reservation> snoozed =
        store.fail(
            jid,
            reservation -> {
              byte[] payload;
              try {
                payload = Snoozes.counted(reservation.payload());
              } catch (JobFormatException e) {
                payload = reservation.payload(); // kept as it came rather than lost
              }
              return new FailureDecision.Snooze(until, payload);
            });
    if (snoozed.isEmpty()) {
      throw CommandException.err("Job not found " + CommandException.excerpt(jid));
    }
    for (OutcomeListener l : outcomes) {
      l.snoozed(snoozed.get(), until);
    }
  }

  // ---------------------------------------------------------------- administration

  /** MUTATE and the web console's actions on the scheduled, retry and dead sets. */
  public SetActions sets() {
    return sets;
  }

  /** QUEUE PAUSE, RESUME, REMOVE and LATENCY. */
  public QueueControl queues() {
    return queues;
  }

  /** The data INFO reports under {@code faktory}. */
  public JobStats stats() {
    Counters c = store.counters();
    return new JobStats(
        store.queueSizes(),
        store.setSize(SetName.SCHEDULED),
        store.setSize(SetName.RETRIES),
        store.setSize(SetName.DEAD),
        store.workingSize(),
        c.processed(),
        c.failures(),
        tasks.snapshot());
  }

  /** FLUSH: all job data, counters and paused flags. */
  public void flush() {
    store.flush();
    flushListeners.forEach(Runnable::run);
  }

  /** The passes that run on a timer: due jobs, expired reservations, purges. */
  public Maintenance maintenance() {
    return maintenance;
  }

  Duration fetchWait() {
    return settings.fetchWait();
  }

  /** For tests: how many FETCHes are blocked on {@code queue}. */
  int waitingFetches(String queue) {
    return waiters.waiting(queue);
  }
}
