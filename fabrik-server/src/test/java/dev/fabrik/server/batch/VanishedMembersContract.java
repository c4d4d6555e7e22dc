package dev.fabrik.server.batch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workflow.WorkflowRow;
import dev.fabrik.server.workflow.WorkflowState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Members whose job vanished while every node runs (an operator deleted it, FETCH dropped it
 * expired, an operator killed it to the dead set) are settled by the batches sweep, without a
 * restart and without a lost node ({@link BatchStore#settleVanishedPage}); a member whose job still
 * waits or runs anywhere never is. Subclasses open a fresh, empty store.
 */
public abstract class VanishedMembersContract {
  protected static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  /** Past the periodic pass's grace: members joined at {@link #T0} may be judged. */
  protected static final Duration LATER = Batches.PERIODIC_GRACE.plusSeconds(60);

  protected final ManualClock clock = new ManualClock(T0);
  protected Store store;
  protected BatchStore members;
  protected Batches batches;
  protected BatchOutcomes hooks;

  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    members = store.batches();
    batches = service(store);
    hooks = new BatchOutcomes(batches);
  }

  @AfterEach
  void closeStore() {
    batches.stop(Duration.ofSeconds(5));
    store.close();
  }

  /** A batches service on {@code on} that never runs the lost-node recovery pass. */
  protected Batches service(Store on) {
    return new Batches(
        on.batches(),
        job -> QueuedJob.fromPayload(job.jid(), job.queue(), JobCodec.encode(job)),
        clock,
        Duration.ofHours(24),
        Duration.ofHours(1),
        Duration.ZERO,
        now -> false);
  }

  /** A batch with a complete and a success callback, both into the queue {@code callbacks}. */
  protected String newBatch() {
    return batches.create(
        new BatchRequest(
            null,
            null,
            callback("{\"jobtype\":\"Ok\",\"queue\":\"callbacks\"}"),
            callback("{\"jobtype\":\"Done\",\"queue\":\"callbacks\"}")));
  }

  private static ObjectNode callback(String json) {
    return (ObjectNode) JobCodec.MAPPER.readTree(json);
  }

  protected static Job member(String jid, String bid) {
    String json = "{\"jid\":\"%s\",\"jobtype\":\"W\",\"args\":[],\"custom\":{\"bid\":\"%s\"}}";
    return JobCodec.decode(json.formatted(jid, bid).getBytes(UTF_8));
  }

  protected static QueuedJob queued(Job job) {
    return QueuedJob.fromPayload(job.jid(), "members", JobCodec.encode(job));
  }

  /** What the manager does for a PUSH into a batch: the membership, then the job. */
  protected Job push(String jid, String bid) {
    Job job = member(jid, bid);
    hooks.beforePush(job);
    hooks.pushing(job);
    store.enqueue(List.of(queued(job)));
    return job;
  }

  /** Joins without storing the job (its PUSH is still on its way, or it went to a set). */
  protected Job join(String jid, String bid) {
    Job job = member(jid, bid);
    hooks.beforePush(job);
    hooks.pushing(job);
    return job;
  }

  protected Reservation fetch(String queue) {
    return store.reserve(List.of(queue), "w1", clock.instant(), p -> T0.plusSeconds(600)).get();
  }

  /** A job of a workflow waiting for a dependency: it lives only in the workflow's row. */
  static void holdInWorkflow(Store in, Job job) {
    WorkflowRow row =
        new WorkflowRow(
            job.jid(),
            "members",
            JobCodec.encode(job),
            null,
            1,
            WorkflowState.HELD,
            null,
            null,
            null);
    in.workflows()
        .transaction(
            tx -> {
              tx.insert(row);
              return null;
            });
  }

  /** A worker runs the next member and ACKs it; the ACK is reported as the manager reports it. */
  protected void ackNextMember() {
    Reservation r = fetch("members");
    store.acknowledge(r.jid());
    hooks.acknowledged(r);
  }

  @Test
  void aDeletedMemberSettlesWithoutARestartAndEachCallbackFiresOnce() {
    String bid = newBatch();
    push("acked-1", bid);
    push("deleted-1", bid);
    Job scheduled = join("unscheduled-1", bid);
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(3600), queued(scheduled));
    batches.commit(bid);

    ackNextMember();
    // An operator deletes one member from its queue and the other from the scheduled set.
    assertThat(store.singleJobs().deleteQueued("members", "deleted-1")).isTrue();
    assertThat(store.mutate(SetName.SCHEDULED, e -> true, new Mutation.Delete())).isEqualTo(1);

    batches.sweepNow();
    assertThat(batches.status(bid).pending()).as("within the grace").isEqualTo(2);

    clock.advance(LATER);
    batches.sweepNow();
    BatchRecord b = batches.status(bid);
    assertThat(b.pending()).isZero();
    assertThat(b.failed()).isZero();
    assertThat(b.completeSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(store.queueSize("callbacks")).isEqualTo(1);

    batches.sweepNow();
    Reservation complete = fetch("callbacks");
    store.acknowledge(complete.jid());
    hooks.acknowledged(complete);
    batches.sweepNow();
    batches.sweepNow();
    b = batches.status(bid);
    assertThat(b.completeSt()).isEqualTo(BatchRecord.DONE);
    assertThat(b.successSt()).as("every member counts as succeeded").isEqualTo("1");
    assertThat(store.queueSize("callbacks")).as("the success callback, once").isEqualTo(1);
    assertThat(batches.callbacksPushed()).isEqualTo(2);
  }

  /** FETCH drops an expired job: the manager acknowledges it in the store and reports nothing. */
  @Test
  void anExpiredMemberDroppedAtFetchSettles() {
    String bid = newBatch();
    push("expired-1", bid);
    batches.commit(bid);
    store.acknowledge(fetch("members").jid());

    clock.advance(LATER);
    batches.sweepNow();
    assertThat(batches.status(bid).completeSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(members.members(bid, MemberState.SUCCEEDED, 10)).containsExactly("expired-1");
  }

  /**
   * A member whose job waits or runs anywhere stays pending: queued, in flight, scheduled, or held
   * by a workflow until its dependencies succeed, or joined too recently (its PUSH may still be
   * storing the job). One retrying, dead (an operator killed it) or discarded by a FAIL counts as
   * failed; one whose job is nowhere as succeeded.
   */
  @Test
  void onlyMembersWhoseJobIsNowhereSucceedAndWaitingOnesStayPending() {
    String bid = newBatch();
    push("in-flight-1", bid);
    Job discarded = push("discarded-1", bid);
    push("queued-1", bid);
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(60), queued(join("scheduled-1", bid)));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(60), queued(join("retrying-1", bid)));
    store.addToSet(SetName.DEAD, T0.plusSeconds(60), queued(join("killed-1", bid)));
    join("gone-1", bid);
    holdInWorkflow(store, join("held-1", bid));
    assertThat(fetch("members").jid()).isEqualTo("in-flight-1");
    assertThat(fetch("members").jid()).isEqualTo(discarded.jid());
    // Its FAIL discarded it (retry 0); its report has not reached the batch yet.
    assertThat(store.fail(discarded.jid(), r -> new FailureDecision.Discard(T0))).isPresent();
    batches.commit(bid);
    clock.advance(Duration.ofSeconds(5));
    join("young-1", batches.open(bid));
    batches.commit(bid);

    VanishedPage page = members.settleVanishedPage(null, T0.plusSeconds(1), 100);
    assertThat(page.moved()).containsExactly(bid);
    assertThat(page.next()).isNull();
    assertThat(members.members(bid, MemberState.SUCCEEDED, 10)).containsExactly("gone-1");
    assertThat(members.members(bid, MemberState.FAILED, 10))
        .containsExactly("discarded-1", "killed-1", "retrying-1");
    assertThat(members.members(bid, MemberState.PENDING, 10))
        .containsExactly("held-1", "in-flight-1", "queued-1", "scheduled-1", "young-1");
    assertThat(members.settleVanishedPage(null, T0.plusSeconds(1), 100).moved()).isEmpty();
  }

  /** Members of open batches wait for the COMMIT; an already counted member is left alone. */
  @Test
  void openBatchesAndFinishedMembersAreNotJudged() {
    String open = newBatch();
    join("open-1", open);
    String done = newBatch();
    join("failed-1", done);
    batches.commit(done);
    assertThat(members.finish(done, "failed-1", MemberState.FAILED)).isTrue();

    VanishedPage page = members.settleVanishedPage(null, T0.plusSeconds(1), 100);
    assertThat(page).isEqualTo(VanishedPage.END);
    assertThat(members.members(open, MemberState.PENDING, 10)).containsExactly("open-1");
    assertThat(members.members(done, MemberState.FAILED, 10)).containsExactly("failed-1");
  }

  @Test
  void pagesResumeAfterTheLastMemberJudged() {
    String bid = newBatch();
    for (int i = 1; i <= 5; i++) {
      push("m" + i, bid);
    }
    batches.commit(bid);
    List<MemberKey> seen = new ArrayList<>();
    MemberKey after = null;
    do {
      VanishedPage page = members.settleVanishedPage(after, T0.plusSeconds(1), 2);
      assertThat(page.moved()).isEmpty();
      after = page.next();
      if (after != null) {
        seen.add(after);
      }
    } while (after != null);
    assertThat(seen).containsExactly(new MemberKey(bid, "m2"), new MemberKey(bid, "m4"));
  }

  /**
   * Jobs moving from the scheduled set into their queue and being fetched while passes run: each
   * job is always somewhere, so no pass ever settles its member.
   */
  @Test
  void membersWhoseJobsMoveWhilePassesRunAreNeverSettled() {
    String bid = newBatch();
    int count = 200;
    for (int i = 0; i < count; i++) {
      Job job = join("moving-%03d".formatted(i), bid);
      store.addToSet(SetName.SCHEDULED, T0.plusMillis(i), queued(job));
    }
    batches.commit(bid);
    AtomicBoolean moving = new AtomicBoolean(true);
    CompletableFuture<Void> mover =
        CompletableFuture.runAsync(
            () -> {
              try {
                for (int i = 0; i < count; i += 10) {
                  store.enqueueDue(SetName.SCHEDULED, T0.plusMillis(i + 9), 10, p -> p);
                  for (int k = 0; k < 5; k++) {
                    fetch("members");
                  }
                }
              } finally {
                moving.set(false);
              }
            });
    int passes = 0;
    while (moving.get() || passes == 0) {
      assertThat(members.settleVanishedPage(null, T0.plusSeconds(1), 1000).moved()).isEmpty();
      passes++;
    }
    mover.join();
    assertThat(members.settleVanishedPage(null, T0.plusSeconds(1), 1000).moved()).isEmpty();
    assertThat(members.members(bid, MemberState.PENDING, count + 1)).hasSize(count);
  }

  // ---------------------------------------------------------------- callbacks

  /** The jid of {@code bid}'s callback job, fixed at NEW. */
  protected String callbackJid(String bid, Callback which) {
    BatchRecord b = members.row(bid).orElseThrow();
    String json = which == Callback.COMPLETE ? b.completeJob() : b.successJob();
    return JobCodec.MAPPER.readTree(json).path("jid").asString();
  }

  /** A committed batch of one member, ACKed: its complete callback is queued ("1"). */
  protected String batchWithItsCompleteCallbackQueued(String member) {
    String bid = newBatch();
    push(member, bid);
    batches.commit(bid);
    ackNextMember();
    assertThat(batches.status(bid).completeSt()).isEqualTo(BatchRecord.ENQUEUED);
    return bid;
  }

  /**
   * An operator deletes a queued complete callback: past the grace the sweep counts it as done, and
   * the success callback fires, once, as after its ACK.
   */
  @Test
  void aDeletedCompleteCallbackCountsAsDoneAndTheSuccessCallbackFiresOnce() {
    String bid = batchWithItsCompleteCallbackQueued("m-1");
    assertThat(store.singleJobs().deleteQueued("callbacks", callbackJid(bid, Callback.COMPLETE)))
        .isTrue();

    batches.sweepNow();
    assertThat(batches.status(bid).completeSt()).as("within the grace").isEqualTo("1");
    clock.advance(LATER);
    batches.sweepNow();
    BatchRecord b = batches.status(bid);
    assertThat(b.completeSt()).isEqualTo(BatchRecord.DONE);
    assertThat(b.successSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(store.queueSize("callbacks")).as("the success callback").isEqualTo(1);

    clock.advance(LATER);
    batches.sweepNow();
    batches.sweepNow();
    assertThat(batches.status(bid).successSt()).as("its job still waits").isEqualTo("1");
    assertThat(store.queueSize("callbacks")).isEqualTo(1);
    assertThat(batches.callbacksPushed()).isEqualTo(2);
  }

  /**
   * A callback in flight, or killed to the dead set, is not vanished; deleted from the dead set it
   * is.
   */
  @Test
  void aRunningOrDeadCallbackStaysPendingUntilDeletedFromTheDeadSet() {
    String bid = batchWithItsCompleteCallbackQueued("m-1");
    Reservation running = fetch("callbacks");
    for (int i = 0; i < 2; i++) {
      clock.advance(LATER);
      batches.sweepNow();
    }
    assertThat(batches.status(bid).completeSt()).as("in flight").isEqualTo("1");

    assertThat(
            store.fail(
                running.jid(),
                r -> new FailureDecision.Dead(T0.plus(Duration.ofDays(1)), r.payload())))
        .isPresent();
    for (int i = 0; i < 2; i++) {
      clock.advance(LATER);
      batches.sweepNow();
    }
    assertThat(batches.status(bid).completeSt()).as("dead").isEqualTo("1");

    assertThat(store.mutate(SetName.DEAD, e -> true, new Mutation.Delete())).isEqualTo(1);
    batches.sweepNow();
    clock.advance(LATER);
    batches.sweepNow();
    assertThat(batches.status(bid).completeSt()).isEqualTo(BatchRecord.DONE);
  }

  /** A child batch whose complete callback was deleted no longer holds its parent back. */
  @Test
  void aChildsDeletedCallbackLetsTheParentComplete() {
    String parent = newBatch();
    String child =
        batches.create(
            new BatchRequest(
                null,
                parent,
                null,
                (ObjectNode)
                    JobCodec.MAPPER.readTree("{\"jobtype\":\"Child\",\"queue\":\"kids\"}")));
    push("m-1", child);
    batches.commit(child);
    batches.commit(parent);
    ackNextMember();
    assertThat(batches.status(child).completeSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(batches.status(parent).completeSt()).isEmpty();
    assertThat(store.singleJobs().deleteQueued("kids", callbackJid(child, Callback.COMPLETE)))
        .isTrue();

    batches.sweepNow();
    clock.advance(LATER);
    batches.sweepNow();
    assertThat(batches.status(child).completeSt()).isEqualTo(BatchRecord.DONE);
    assertThat(batches.status(parent).completeSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(store.queueSize("callbacks")).as("the parent's complete callback").isEqualTo(1);
    assertThat(batches.callbacksPushed()).isEqualTo(2);
  }

  /**
   * A callback ACKed while its report is still on its way looks vanished; the sweep and the late
   * report race on one compare-and-set, so the next step fires once, whichever comes first.
   */
  @Test
  void anAckedCallbackReportedAfterTheSweepCountsOnce() {
    String bid = batchWithItsCompleteCallbackQueued("m-1");
    Reservation complete = fetch("callbacks");
    store.acknowledge(complete.jid());
    batches.sweepNow();
    clock.advance(LATER);
    batches.sweepNow();
    hooks.acknowledged(complete);
    batches.sweepNow();

    BatchRecord b = batches.status(bid);
    assertThat(b.completeSt()).isEqualTo(BatchRecord.DONE);
    assertThat(b.successSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(store.queueSize("callbacks")).isEqualTo(1);
    assertThat(batches.callbacksPushed()).isEqualTo(2);
  }
}
