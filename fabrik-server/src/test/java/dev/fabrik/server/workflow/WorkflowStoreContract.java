package dev.fabrik.server.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link WorkflowStore} must do, reached as {@link Store#workflows()} and driven through
 * {@link WorkflowRules} as the server drives it. Subclasses open a fresh, empty store.
 */
public abstract class WorkflowStoreContract {
  protected static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");
  protected static final Instant DEAD_UNTIL = T0.plus(Duration.ofDays(180));
  private static final Duration RETENTION = Duration.ofHours(1);

  protected Store store;
  protected WorkflowStore flows;
  protected WorkflowRules rules;

  protected abstract Store open() throws Exception;

  /** Whether a crash can leave an ACKed job's row ACTIVE (false for a store a crash empties). */
  protected boolean keepsStateAcrossCrashes() {
    return true;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    flows = store.workflows();
    rules = new WorkflowRules(flows, RETENTION);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static WorkflowRules.Submitted job(String jid, String... after) {
    return scheduled(jid, null, after);
  }

  private static WorkflowRules.Submitted scheduled(String jid, Instant at, String... after) {
    String json =
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\"Step\",\"args\":[],\"queue\":\"wf\",\"custom\":{\"after\":[]}}";
    return new WorkflowRules.Submitted(
        new QueuedJob(jid, "wf", json.getBytes(StandardCharsets.UTF_8)), at, List.of(after));
  }

  private Map<String, String> push(WorkflowRules.Submitted... jobs) {
    return rules.push(List.of(jobs), T0, DEAD_UNTIL);
  }

  /** Takes the next job of queue wf, as a FETCH would, and ACKs it in the store. */
  private String runNext() {
    Optional<Reservation> r = store.reserve(List.of("wf"), "w1", T0, p -> T0.plusSeconds(1800));
    assertThat(r).as("a job is queued").isPresent();
    store.acknowledge(r.get().jid());
    return r.get().jid();
  }

  private List<String> queued() {
    return store.browse("wf", 0, 100).stream().map(QueuedJob::jid).toList();
  }

  private List<SetEntry> dead() {
    return store.scan(SetName.DEAD, null, 100);
  }

  private WorkflowState state(String jid) {
    return flows.row(jid).orElseThrow().state();
  }

  @Test
  void aRootIsEnqueuedAtOnceAndItsSuccessIsRecorded() {
    assertThat(push(job("a"))).isEmpty();
    assertThat(queued()).containsExactly("a");
    assertThat(state("a")).isEqualTo(WorkflowState.ACTIVE);

    assertThat(runNext()).isEqualTo("a");
    rules.succeeded("a", T0);
    assertThat(state("a")).isEqualTo(WorkflowState.DONE);
    assertThat(flows.row("a").orElseThrow().until()).isEqualTo(T0.plus(RETENTION));

    // naming a job that already succeeded: enqueued at once
    assertThat(push(job("b", "a"))).isEmpty();
    assertThat(queued()).containsExactly("b");
    assertThat(flows.dependencies("b")).containsExactly("a");
    assertThat(flows.dependents("a")).containsExactly("b");
  }

  @Test
  void aHeldJobIsInNoQueueUntilItsLastDependencySucceeds() {
    assertThat(push(job("c", "a", "b"), job("a"), job("b"))).isEmpty();
    assertThat(queued()).containsExactly("a", "b");
    assertThat(state("c")).isEqualTo(WorkflowState.HELD);
    assertThat(flows.row("c").orElseThrow().waiting()).isEqualTo(2);
    assertThat(flows.count(WorkflowState.HELD)).isOne();
    assertThat(flows.list(WorkflowState.HELD, "", 10))
        .extracting(WorkflowRow::jid)
        .containsExactly("c");

    runNext();
    assertThat(rules.succeeded("a", T0).released()).isZero();
    assertThat(queued()).containsExactly("b");
    assertThat(flows.row("c").orElseThrow().waiting()).isOne();

    runNext();
    assertThat(rules.succeeded("b", T0).released()).isOne();
    assertThat(queued()).containsExactly("c");
    assertThat(state("c")).isEqualTo(WorkflowState.ACTIVE);
    byte[] released = store.browse("wf", 0, 1).getFirst().payload();
    assertThat(JobCodec.decode(released).enqueuedAt()).isNotNull();

    // a second report of the same success changes nothing
    assertThat(rules.succeeded("b", T0).released()).isZero();
    assertThat(queued()).containsExactly("c");
  }

  @Test
  void refusedJobsLeaveNothingBehind() {
    push(job("a"));
    Map<String, String> errors =
        push(job("x", "nobody"), job("y", "x"), job("p", "q"), job("q", "p"), job("a"));
    assertThat(errors).containsOnlyKeys("x", "y", "p", "q", "a");
    assertThat(errors.get("x")).contains("unknown dependency nobody");
    assertThat(errors.get("y")).contains("unknown dependency x");
    assertThat(errors.get("p")).contains("cycle");
    assertThat(errors.get("a")).contains("already takes part");
    assertThat(flows.rows(List.of("x", "y", "p", "q"))).isEmpty();
    assertThat(flows.dependents("nobody")).isEmpty();
    assertThat(queued()).containsExactly("a");
  }

  @Test
  void aDeadDependencyTakesItsDependentsToTheDeadSetAndTheirRetryBringsThemBack() {
    push(job("a"), job("b", "a"), job("c", "b"), job("d", "a"));
    runNext();
    assertThat(rules.died("a", T0, DEAD_UNTIL).blocked()).isEqualTo(3);
    assertThat(dead()).extracting(SetEntry::jid).containsExactlyInAnyOrder("b", "c", "d");
    SetEntry b = dead().stream().filter(e -> e.jid().equals("b")).findFirst().orElseThrow();
    assertThat(JobCodec.decode(b.payload()).failure().message()).isEqualTo("dependency a died");
    assertThat(JobCodec.decode(b.payload()).failure().errtype())
        .isEqualTo(WorkflowRules.DEPENDENCY_DIED);
    assertThat(flows.row("c").orElseThrow().cause()).isEqualTo("b");
    assertThat(state("a")).isEqualTo(WorkflowState.DEAD);

    // a later push naming a dead job goes to the dead set at once
    assertThat(push(job("e", "c"))).isEmpty();
    assertThat(state("e")).isEqualTo(WorkflowState.BLOCKED);

    // the operator retries a from the dead set; it now succeeds
    store.enqueue(List.of(new QueuedJob("a", "wf", "{\"jid\":\"a\"}".getBytes())));
    runNext();
    assertThat(rules.succeeded("a", T0).released()).isEqualTo(2);
    assertThat(queued()).containsExactlyInAnyOrder("b", "d");
    assertThat(dead()).isEmpty();
    assertThat(state("c")).isEqualTo(WorkflowState.HELD);
    assertThat(state("e")).isEqualTo(WorkflowState.HELD);
  }

  @Test
  void aJobWithTwoDeadDependenciesLeavesTheDeadSetOnlyWhenBothAreBack() {
    push(job("a"), job("b"), job("c", "a", "b"));
    runNext();
    runNext();
    rules.died("a", T0, DEAD_UNTIL);
    rules.died("b", T0, DEAD_UNTIL);
    assertThat(dead()).extracting(SetEntry::jid).containsExactly("c");

    store.enqueue(List.of(new QueuedJob("a", "wf", "{\"jid\":\"a\"}".getBytes())));
    runNext();
    rules.succeeded("a", T0);
    assertThat(dead()).extracting(SetEntry::jid).containsExactly("c");
    assertThat(flows.row("c").orElseThrow().cause()).isEqualTo("b");

    store.enqueue(List.of(new QueuedJob("b", "wf", "{\"jid\":\"b\"}".getBytes())));
    runNext();
    assertThat(rules.succeeded("b", T0).released()).isOne();
    assertThat(dead()).isEmpty();
    assertThat(queued()).containsExactly("c");
  }

  @Test
  void aDependentTheOperatorRemovedFromTheDeadSetStaysThere() {
    push(job("a"), job("b", "a"));
    runNext();
    rules.died("a", T0, DEAD_UNTIL);
    store.mutate(SetName.DEAD, e -> true, new dev.fabrik.server.storage.Mutation.Delete());
    rules.succeeded("a", T0);
    assertThat(queued()).isEmpty();
    assertThat(state("b")).isEqualTo(WorkflowState.BLOCKED);
  }

  /** One PUSHB of every kind of row at once: each row and edge reads back as if pushed alone. */
  @Test
  void aMixedPushStoresEveryRowAndEdgeOfItsJobs() {
    push(job("done"), job("dying"));
    runNext();
    rules.succeeded("done", T0);
    runNext();
    rules.died("dying", T0, DEAD_UNTIL);
    Instant at = T0.plusSeconds(3600);

    assertThat(
            push(
                job("active", "done"),
                job("held", "active", "done"),
                scheduled("later", at, "held"),
                job("blocked", "done", "dying"),
                job("root")))
        .isEmpty();

    assertThat(flows.row("active").orElseThrow())
        .extracting(WorkflowRow::state, WorkflowRow::waiting, WorkflowRow::at)
        .containsExactly(WorkflowState.ACTIVE, 0, null);
    assertThat(flows.row("held").orElseThrow())
        .extracting(WorkflowRow::state, WorkflowRow::waiting, WorkflowRow::queue)
        .containsExactly(WorkflowState.HELD, 1, "wf");
    assertThat(flows.row("later").orElseThrow())
        .extracting(WorkflowRow::state, WorkflowRow::waiting, WorkflowRow::at)
        .containsExactly(WorkflowState.HELD, 1, at);
    assertThat(flows.row("blocked").orElseThrow())
        .extracting(WorkflowRow::state, WorkflowRow::waiting, WorkflowRow::cause)
        .containsExactly(WorkflowState.BLOCKED, 1, "dying");
    assertThat(flows.row("blocked").orElseThrow().deadAt()).isNotNull();
    assertThat(new String(flows.row("root").orElseThrow().payload(), StandardCharsets.UTF_8))
        .contains("\"jid\":\"root\"");
    assertThat(flows.dependencies("held")).containsExactly("active", "done");
    assertThat(flows.dependencies("blocked")).containsExactly("done", "dying");
    assertThat(flows.dependencies("root")).isEmpty();
    assertThat(flows.dependents("done")).containsExactly("active", "blocked", "held");
    List<String> unresolved = flows.transaction(tx -> tx.unresolvedDependenciesOf("held"));
    assertThat(unresolved).containsExactly("active");
    assertThat(queued()).containsExactlyInAnyOrder("active", "root");
    assertThat(dead()).extracting(SetEntry::jid).containsExactly("blocked");
  }

  @Test
  void aScheduledJobIsReleasedToTheScheduledSetWhenNotDue() {
    Instant at = T0.plusSeconds(3600);
    push(job("a"), scheduled("s", at, "a"));
    runNext();
    rules.succeeded("a", T0);
    assertThat(queued()).isEmpty();
    assertThat(store.scan(SetName.SCHEDULED, null, 10))
        .extracting(SetEntry::jid, SetEntry::score)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("s", at));
  }

  @Test
  void anActiveRowWhoseJobIsGoneIsFoundForRecovery() {
    push(job("a"), job("b"), job("c", "a"));
    assertThat(flows.activeButAbsent(10)).isEmpty();
    runNext(); // a: ACKed, success not yet recorded (as after a crash)
    Optional<Reservation> running =
        store.reserve(List.of("wf"), "w1", T0, p -> T0.plusSeconds(1800));
    assertThat(running).isPresent(); // b: reserved, still present
    if (keepsStateAcrossCrashes()) {
      assertThat(flows.activeButAbsent(10)).containsExactly("a");
    } else {
      assertThat(flows.activeButAbsent(10)).isEmpty();
    }
  }

  /**
   * A crash after a FAIL committed and before the dependents moved: a job in the dead set, or one
   * discarded with its fate recorded, is found as dead (and the discarded one is not taken for an
   * ACKed one); {@link Workflows#recover} then sends their dependents to the dead set naming them,
   * once.
   */
  @Test
  void anActiveRowWhoseJobDiedOrWasDiscardedIsFoundForRecovery() {
    push(job("a"), job("b"), job("c"), job("a2", "a"), job("b2", "b"), job("c2", "c"));
    failNext(r -> new FailureDecision.Dead(DEAD_UNTIL, r.payload())); // a: dead, report lost
    failNext(r -> new FailureDecision.Discard(T0)); // b: discarded, report lost
    Optional<Reservation> c = store.reserve(List.of("wf"), "w1", T0, p -> T0.plusSeconds(1800));
    assertThat(c).isPresent(); // c: still running
    if (!keepsStateAcrossCrashes()) {
      assertThat(flows.activeButDead(10)).isEmpty();
      return;
    }
    assertThat(flows.activeButDead(10)).containsExactly("a", "b");
    assertThat(flows.activeButAbsent(10)).as("a discard is no success").isEmpty();

    Workflows w =
        new Workflows(
            flows,
            java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC),
            RETENTION,
            Duration.ofDays(1),
            WorkflowCounters.NONE,
            new dev.fabrik.server.fate.FateSweep(
                store.fates(), java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC)),
            dev.fabrik.server.cluster.RecoveryTrigger.ALWAYS);
    assertThat(w.recover()).isEqualTo(2);
    assertThat(w.recover()).as("once").isZero();
    assertThat(dead()).extracting(SetEntry::jid).containsExactlyInAnyOrder("a", "a2", "b2");
    SetEntry b2 = dead().stream().filter(e -> e.jid().equals("b2")).findFirst().orElseThrow();
    assertThat(JobCodec.decode(b2.payload()).failure().message()).isEqualTo("dependency b died");
    assertThat(state("a")).isEqualTo(WorkflowState.DEAD);
    assertThat(state("b")).isEqualTo(WorkflowState.DEAD);
    assertThat(state("c2")).isEqualTo(WorkflowState.HELD);
  }

  /** Takes the next job of queue wf and FAILs it in the store with {@code decision}. */
  private void failNext(FailureDecision decision) {
    Optional<Reservation> r = store.reserve(List.of("wf"), "w1", T0, p -> T0.plusSeconds(1800));
    assertThat(r).as("a job is queued").isPresent();
    assertThat(store.fail(r.get().jid(), decision)).isPresent();
  }

  @Test
  void finishedRowsArePurgedAfterTheirTime() {
    push(job("a"), job("b", "a"));
    runNext();
    rules.succeeded("a", T0);
    assertThat(flows.purge(T0.plus(RETENTION).minusSeconds(1), 10)).isZero();
    assertThat(flows.purge(T0.plus(RETENTION), 10)).isOne();
    assertThat(flows.row("a")).isEmpty();
    assertThat(flows.row("b")).isPresent();
  }

  /**
   * A wide fan-out is decided in one pass (one update of all rows on PostgreSQL): of the 300 jobs
   * after a, those also waiting for b stay held with one dependency left; the others are released.
   * The death of b then takes exactly the held ones, and their own dependents, to the dead set,
   * each naming the dependency it waited for.
   */
  @Test
  void aWideFanOutIsReleasedAndKilledExactly() {
    List<WorkflowRules.Submitted> jobs = new ArrayList<>(List.of(job("a"), job("b")));
    List<String> alone = new ArrayList<>();
    List<String> withB = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String jid = String.format("f%03d", i);
      if (i % 3 == 0) {
        withB.add(jid);
        jobs.add(job(jid, "a", "b"));
        jobs.add(job("g" + jid, jid));
      } else {
        alone.add(jid);
        jobs.add(job(jid, "a"));
      }
    }
    assertThat(rules.push(jobs, T0, DEAD_UNTIL)).isEmpty();
    runNext();
    assertThat(rules.succeeded("a", T0).released()).isEqualTo(alone.size());
    assertThat(store.browse("wf", 0, 1000))
        .extracting(QueuedJob::jid)
        .containsExactlyInAnyOrderElementsOf(concat(List.of("b"), alone)); // b was queued at push
    assertThat(flows.rows(withB).values())
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(WorkflowState.HELD);
              assertThat(r.waiting()).isOne();
            });
    assertThat(rules.succeeded("a", T0).released()).isZero();

    runNext();
    assertThat(rules.died("b", T0, DEAD_UNTIL).blocked()).isEqualTo(2 * withB.size());
    assertThat(store.scan(SetName.DEAD, null, 1000)).hasSize(2 * withB.size());
    for (String jid : withB) {
      assertThat(flows.row(jid).orElseThrow().cause()).isEqualTo("b");
      assertThat(flows.row("g" + jid).orElseThrow().cause()).isEqualTo(jid);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * The configured retention ({@code [workflows] retention_hours}) decides when a succeeded job
   * stops being nameable: up to the last second a later push may name it; once purged, the push is
   * refused with an error that says the dependency may have expired.
   */
  @Test
  void aPurgedDependencyIsRefusedAsPossiblyExpired() {
    Duration retention = Duration.ofHours(72);
    rules = new WorkflowRules(flows, retention);
    push(job("a"));
    runNext();
    rules.succeeded("a", T0);
    Instant expires = T0.plus(retention);
    assertThat(flows.row("a").orElseThrow().until()).isEqualTo(expires);

    assertThat(flows.purge(expires.minusSeconds(1), 10)).isZero();
    assertThat(push(job("b", "a"))).isEmpty(); // still nameable: enqueued at once
    runNext();
    rules.succeeded("b", T0.plusSeconds(10));

    assertThat(flows.purge(expires, 10)).isOne();
    assertThat(flows.row("a")).isEmpty();
    assertThat(push(job("c", "a")))
        .hasEntrySatisfying(
            "c",
            error ->
                assertThat(error)
                    .startsWith("unknown dependency a:")
                    .contains("within the last 72h ([workflows] retention_hours)")
                    .endsWith("a may have expired"));
    assertThat(flows.row("c")).isEmpty();
  }

  /** Fan-in: the last of many concurrent successes releases the dependent, exactly once. */
  @Test
  void concurrentSuccessesReleaseAFanInOnce() throws Exception {
    int n = 40;
    List<WorkflowRules.Submitted> jobs = new ArrayList<>();
    String[] deps = new String[n];
    for (int i = 0; i < n; i++) {
      deps[i] = "d" + i;
      jobs.add(job(deps[i]));
    }
    jobs.add(job("z", deps));
    assertThat(rules.push(jobs, T0, DEAD_UNTIL)).isEmpty();
    for (int i = 0; i < n; i++) {
      runNext();
    }
    List<CompletableFuture<Integer>> done = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (String d : deps) {
        done.add(CompletableFuture.supplyAsync(() -> rules.succeeded(d, T0).released(), pool));
      }
    }
    int released = done.stream().mapToInt(CompletableFuture::join).sum();
    assertThat(released).isOne();
    assertThat(queued()).containsExactly("z");
  }
}
