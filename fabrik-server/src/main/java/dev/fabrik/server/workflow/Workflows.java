package dev.fabrik.server.workflow;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.OptionKeys;
import dev.fabrik.server.cluster.RecoveryTrigger;
import dev.fabrik.server.fate.FateSweep;
import dev.fabrik.server.fault.CrashPoints;
import dev.fabrik.server.lifecycle.PeriodicService;
import dev.fabrik.server.lifecycle.Service;
import dev.fabrik.server.manager.JobMiddleware;
import dev.fabrik.server.manager.OutcomeListener;
import dev.fabrik.server.manager.PushRoute;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Reservation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs that wait for other jobs ({@code custom.after}), wired into the manager: it validates the
 * option before a push, stores the jobs that carry it (held, or enqueued at once), and acts on the
 * ACK or death of a workflow job after the store committed it.
 *
 * <p>Crash behaviour: the release of dependents runs after the ACK committed, in its own
 * transaction, and so does their move to the dead set after a death. A crash between the two leaves
 * the job's row ACTIVE: after an ACK the job is gone from every queue, reservation and set; after a
 * death it is in the dead set; after a discarding FAIL ({@code retry: 0}) it is gone but its
 * discard is recorded in {@code Store.fates()} in the FAIL's own transaction. {@link #recover}
 * finds such rows and completes what the crash interrupted: at start, and on every node for a few
 * minutes after another node sharing the store went silent (a node of a shared PostgreSQL database
 * may die and never come back; {@link dev.fabrik.server.cluster.LostNodes}). Running it while the
 * outcome is still on its way is harmless: both completions take the row's lock and act only on an
 * ACTIVE row, so whichever comes second changes nothing. "Gone" can also mean an operator deleted
 * the job (a discard from the retries or scheduled set, a queue removal); it then counts as
 * succeeded too, which docs/workflows.md says.
 */
public final class Workflows implements PushRoute, JobMiddleware, OutcomeListener, Service {
  private static final Logger log = LoggerFactory.getLogger(Workflows.class);
  private static final int BATCH = 1000;

  /** Most pages of rows one recovery pass completes. */
  private static final int PAGES = 100;

  private final WorkflowStore store;
  private final WorkflowRules rules;
  private final Clock clock;
  private final Duration deadTtl;
  private final WorkflowCounters counters;
  private final FateSweep fates;
  private final RecoveryTrigger recoveryDue;
  private final ExecutorService outcomes =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fabrik-workflow-", 0).factory());
  private PeriodicService purger; // null when not running

  /**
   * @param retention how long a succeeded job stays nameable by later pushes
   * @param deadTtl how long a job sent to the dead set by a dependency's death stays there
   * @param fates purged by the periodic pass, after it recovered from them
   * @param recoveryDue when the periodic pass recovers (after a node sharing the store was lost)
   */
  public Workflows(
      WorkflowStore store,
      Clock clock,
      Duration retention,
      Duration deadTtl,
      WorkflowCounters counters,
      FateSweep fates,
      RecoveryTrigger recoveryDue) {
    this.store = store;
    this.rules = new WorkflowRules(store, retention);
    this.clock = clock;
    this.deadTtl = deadTtl;
    this.counters = counters;
    this.fates = fates;
    this.recoveryDue = recoveryDue;
  }

  public WorkflowStore store() {
    return store;
  }

  // ------------------------------------------------------------- push

  @Override
  public void beforePush(Job job) {
    WorkflowOption.of(job); // refuses a malformed after before anything is stored
  }

  @Override
  public boolean inspects(OptionKeys keys) {
    return false;
  }

  @Override
  public boolean takes(Job job) {
    return WorkflowOption.of(job) != null;
  }

  @Override
  public Map<String, String> store(List<Routed> jobs, Instant now) {
    List<WorkflowRules.Submitted> submitted = new ArrayList<>(jobs.size());
    for (Routed r : jobs) {
      submitted.add(
          new WorkflowRules.Submitted(
              r.queued(), r.scheduledAt(), WorkflowOption.of(r.job()).after()));
    }
    return rules.push(submitted, now, now.plus(deadTtl));
  }

  // ------------------------------------------------------------- outcomes

  @Override
  public void acknowledged(Reservation r) {
    if (WorkflowOption.mayBeIn(r.options())) {
      later(() -> succeeded(r.jid()));
    }
  }

  @Override
  public void failed(Reservation r, boolean expired) {}

  @Override
  public void failed(Reservation r, boolean expired, FailureDecision.Outcome outcome) {
    if (!WorkflowOption.mayBeIn(r.options())) {
      return;
    }
    // A failure with retry 0 throws the job away: it will never succeed either, so its
    // dependents go to the dead set as for a death (where an operator can still retry them).
    switch (outcome) {
      case FailureDecision.Dead dead -> {
        CrashPoints.reached(CrashPoints.WORKFLOW_DEATH_STORED);
        later(() -> died(r.jid(), dead.expiresAt()));
      }
      case FailureDecision.Discard d -> {
        CrashPoints.reached(CrashPoints.WORKFLOW_DEATH_STORED);
        later(() -> died(r.jid(), clock.instant().plus(deadTtl)));
      }
      case null, default -> {}
    }
  }

  /**
   * Runs {@code work} off the caller's thread (a listener may be called on the store's writer).
   * After {@link #stop} it is dropped, as a crash would drop it: a success left undone is found by
   * the next start's recovery pass; a death left undone leaves its dependents held (not dead) until
   * the dead job is retried and succeeds.
   */
  private void later(Runnable work) {
    try {
      outcomes.execute(work);
    } catch (RejectedExecutionException e) {
      log.warn("workflows are stopped; the next start completes this outcome");
    }
  }

  /** The success of {@code jid}: its dependents whose last dependency it was are released. */
  public void succeeded(String jid) {
    try {
      WorkflowRules.Changes c = rules.succeeded(jid, clock.instant());
      counters.released(c.released());
    } catch (RuntimeException e) {
      // The row stays ACTIVE and the job is gone: the next start's recovery completes it.
      log.error("releasing the dependents of {} failed; a restart will retry", jid, e);
    }
  }

  private void died(String jid, Instant deadUntil) {
    try {
      WorkflowRules.Changes c = rules.died(jid, clock.instant(), deadUntil);
      counters.blocked(c.blocked());
    } catch (RuntimeException e) {
      log.error("sending the dependents of dead job {} to the dead set failed", jid, e);
    }
  }

  // ------------------------------------------------------------- service

  /**
   * Completes what a crash interrupted ({@link #recover}), then every minute purges expired rows
   * and fates, and recovers again while its {@link RecoveryTrigger} says a node was lost.
   */
  @Override
  public synchronized void start() {
    if (purger != null) {
      return;
    }
    recover();
    Duration every = CrashPoints.recoveryEvery();
    purger = new PeriodicService("fabrik-workflow-purge", every, every, this::periodically);
    purger.start();
  }

  /**
   * Finds ACTIVE rows whose job died or was discarded and sends their dependents to the dead set,
   * then ACTIVE rows whose job is gone (see the class comment) and completes their success; returns
   * how many rows it completed. Deaths first: a discarded job is gone too, and must not pass for a
   * success.
   */
  public int recover() {
    int died = drain(store::activeButDead, jid -> died(jid, clock.instant().plus(deadTtl)));
    int succeeded = drain(store::activeButAbsent, this::succeeded);
    if (died > 0) {
      log.info(
          "workflows: sent the dependents of {} dead jobs to the dead set after a crash", died);
    }
    if (succeeded > 0) {
      log.info("workflows: completed the success of {} jobs ACKed before a crash", succeeded);
    }
    return died + succeeded;
  }

  /**
   * Completes every jid {@code find} returns, page by page, at most {@link #PAGES} pages: rows
   * whose completion failed (logged) stay, and must not keep one pass going; the next pass goes on.
   */
  private static int drain(IntFunction<List<String>> find, Consumer<String> complete) {
    int total = 0;
    List<String> page;
    int pages = 0;
    do {
      page = find.apply(BATCH);
      page.forEach(complete);
      total += page.size();
    } while (page.size() >= BATCH && ++pages < PAGES);
    return total;
  }

  private void periodically() {
    try {
      if (recoveryDue.due(clock.instant())) {
        recover();
      }
      int purged;
      do {
        purged = store.purge(clock.instant(), BATCH);
      } while (purged >= BATCH);
      fates.purge();
    } catch (RuntimeException e) {
      log.warn("the periodic workflow pass failed; trying again next period", e);
    }
  }

  @Override
  public void stop(Duration timeout) {
    PeriodicService p;
    synchronized (this) {
      p = purger;
      purger = null;
    }
    if (p != null) {
      p.stop(timeout);
    }
    outcomes.shutdown();
    try {
      outcomes.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }
}
