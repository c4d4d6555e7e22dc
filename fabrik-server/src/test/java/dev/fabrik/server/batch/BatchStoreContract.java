package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BatchStore} must do, reached as {@link Store#batches()}. Subclasses open a
 * fresh, empty store. Instants are whole microseconds (durable stores keep epoch micros).
 */
public abstract class BatchStoreContract {
  protected static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");
  protected static final Instant EXPIRES = T0.plusSeconds(1800);

  protected Store store;
  protected BatchStore batches;

  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    batches = store.batches();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static BatchRecord fresh(String bid, String parent) {
    return BatchRecord.created(
        bid, parent, "desc " + bid, T0, EXPIRES, "{\"jobtype\":\"Done\"}", "{\"jobtype\":\"Ok\"}");
  }

  /** A committed batch with these members, all pending. */
  protected void committed(String bid, String parent, String... jids) {
    batches.create(fresh(bid, parent));
    for (String jid : jids) {
      batches.join(bid, jid, T0).join();
    }
    assertThat(batches.commit(bid)).isTrue();
  }

  @Test
  void aBatchReadsBackAsCreatedAndAnUnknownOneIsEmpty() {
    batches.create(fresh("b-1", null));
    assertThat(batches.get("b-1")).contains(fresh("b-1", null));
    assertThat(batches.row("b-1")).contains(fresh("b-1", null));
    assertThat(batches.get("b-none")).isEmpty();
  }

  @Test
  void jobsJoinOnlyWhileOpenAndAJidCountsOnce() {
    batches.create(fresh("b-1", null));
    batches.join("b-1", "j1", T0).join();
    batches.join("b-1", "j1", T0).join();
    batches.join("b-1", "j2", T0).join();
    batches.join("b-none", "j3", T0).join();
    assertThat(batches.commit("b-1")).isTrue();
    batches.join("b-1", "late", T0).join();

    BatchRecord b = batches.get("b-1").orElseThrow();
    assertThat(b.total()).isEqualTo(2);
    assertThat(b.pending()).isEqualTo(2);
    assertThat(b.committed()).isTrue();
    assertThat(b.open()).isFalse();
    assertThat(batches.members("b-1", MemberState.PENDING, 10)).containsExactly("j1", "j2");
    assertThat(batches.get("b-none")).isEmpty();
  }

  @Test
  void commitTwiceIsRefusedUntilTheBatchIsReopened() {
    batches.create(fresh("b-1", null));
    assertThat(batches.commit("b-1")).isTrue();
    assertThat(batches.commit("b-1")).isFalse();
    assertThat(batches.commit("b-none")).isFalse();
    assertThat(batches.reopen("b-1", EXPIRES.plusSeconds(60))).isTrue();
    assertThat(batches.reopen("b-none", EXPIRES)).isFalse();
    batches.join("b-1", "j9", T0).join();
    assertThat(batches.get("b-1").orElseThrow().open()).isTrue();
    assertThat(batches.commit("b-1")).isTrue();
    assertThat(batches.get("b-1").orElseThrow().total()).isEqualTo(1);
  }

  @Test
  void aRefusedPushLeavesItsBatch() {
    batches.create(fresh("b-1", null));
    batches.join("b-1", "j1", T0).join();
    batches.leave("b-1", "j1");
    assertThat(batches.get("b-1").orElseThrow().total()).isZero();
  }

  @Test
  void membersOnlyMoveForward() {
    committed("b-1", null, "j1", "j2");
    assertThat(batches.finish("b-1", "j1", MemberState.FAILED)).isTrue();
    assertThat(batches.finish("b-1", "j1", MemberState.FAILED)).isFalse();
    assertThat(batches.finish("b-1", "j2", MemberState.SUCCEEDED)).isTrue();
    assertThat(batches.finish("b-1", "j2", MemberState.FAILED)).isFalse();
    assertThat(batches.finish("b-1", "stranger", MemberState.SUCCEEDED)).isFalse();
    BatchRecord b = batches.get("b-1").orElseThrow();
    assertThat(b.pending()).isZero();
    assertThat(b.failed()).isEqualTo(1);
    assertThat(batches.members("b-1", MemberState.FAILED, 10)).containsExactly("j1");

    assertThat(batches.finish("b-1", "j1", MemberState.SUCCEEDED)).isTrue();
    assertThat(batches.get("b-1").orElseThrow().failed()).isZero();
  }

  @Test
  void finishAllMovesManyMembersAndNamesTheBatchesThatMoved() {
    committed("b-1", null, "j1", "j2");
    committed("b-2", null, "k1");
    var moved =
        batches.finishAll(
            List.of(
                new MemberOutcome("b-1", "j1", MemberState.SUCCEEDED),
                new MemberOutcome("b-1", "j2", MemberState.FAILED),
                new MemberOutcome("b-2", "stranger", MemberState.SUCCEEDED)));
    assertThat(moved).containsExactly("b-1");
    BatchRecord b = batches.get("b-1").orElseThrow();
    assertThat(b.pending()).isZero();
    assertThat(b.failed()).isEqualTo(1);
    assertThat(batches.get("b-2").orElseThrow().pending()).isEqualTo(1);
  }

  @Test
  void completeWaitsForCommitAndForEveryMember() {
    batches.create(fresh("b-1", null));
    batches.join("b-1", "j1", T0).join();
    assertThat(batches.markComplete("b-1", BatchRecord.ENQUEUED, T0)).isFalse();
    batches.commit("b-1");
    assertThat(batches.markComplete("b-1", BatchRecord.ENQUEUED, T0)).isFalse();
    batches.finish("b-1", "j1", MemberState.FAILED);
    assertThat(batches.markComplete("b-1", BatchRecord.ENQUEUED, T0)).isTrue();
    assertThat(batches.markComplete("b-1", BatchRecord.ENQUEUED, T0)).isFalse();
    assertThat(batches.get("b-1").orElseThrow().completeSt()).isEqualTo("1");

    // Success needs the complete callback done and every member succeeded.
    assertThat(batches.markSuccess("b-1", BatchRecord.ENQUEUED)).isFalse();
    assertThat(batches.callbackDone("b-1", Callback.COMPLETE, T0.plusSeconds(5))).isTrue();
    assertThat(batches.callbackDone("b-1", Callback.COMPLETE, T0.plusSeconds(6))).isFalse();
    assertThat(batches.markSuccess("b-1", BatchRecord.ENQUEUED)).isFalse();
    batches.finish("b-1", "j1", MemberState.SUCCEEDED);
    assertThat(batches.markSuccess("b-1", BatchRecord.ENQUEUED)).isTrue();
    assertThat(batches.markSuccess("b-1", BatchRecord.ENQUEUED)).isFalse();
    assertThat(batches.callbackDone("b-1", Callback.SUCCESS, T0)).isTrue();

    BatchRecord b = batches.get("b-1").orElseThrow();
    assertThat(b.completeSt()).isEqualTo("2");
    assertThat(b.successSt()).isEqualTo("2");
    assertThat(b.completedAt()).isEqualTo(T0.plusSeconds(5));
  }

  /**
   * A callback's state and its job are one step: the job is queued only by the caller whose
   * compare-and-set won, and never while the condition does not hold.
   */
  @Test
  void firingStoresTheCallbackJobWithItsStateOnce() {
    committed("b-1", null, "j1");
    QueuedJob done = callback("cb-done");
    assertThat(batches.fire("b-1", Callback.COMPLETE, done, T0)).isFalse();
    assertThat(store.queueSize("callbacks")).isZero();

    batches.finish("b-1", "j1", MemberState.FAILED);
    assertThat(batches.fire("b-1", Callback.SUCCESS, callback("cb-ok"), T0)).isFalse();
    assertThat(batches.fire("b-1", Callback.COMPLETE, done, T0)).isTrue();
    assertThat(batches.fire("b-1", Callback.COMPLETE, done, T0)).isFalse();
    assertThat(batches.get("b-1").orElseThrow().completeSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(store.queueSize("callbacks")).isEqualTo(1);
    assertThat(store.peek("callbacks").orElseThrow()).isEqualTo(done.payload());

    batches.callbackDone("b-1", Callback.COMPLETE, T0);
    assertThat(batches.fire("b-1", Callback.SUCCESS, callback("cb-ok"), T0)).isFalse();
    batches.finish("b-1", "j1", MemberState.SUCCEEDED);
    assertThat(batches.fire("b-1", Callback.SUCCESS, callback("cb-ok"), T0)).isTrue();
    assertThat(batches.fire("b-1", Callback.SUCCESS, callback("cb-ok"), T0)).isFalse();
    assertThat(batches.get("b-1").orElseThrow().successSt()).isEqualTo(BatchRecord.ENQUEUED);
    assertThat(store.queueSize("callbacks")).isEqualTo(2);
  }

  /** A committed batch without members whose complete callback has this jid (as NEW fills it). */
  private void withCallback(String bid, String jid) {
    batches.create(
        BatchRecord.created(
            bid, null, null, T0, EXPIRES, "{\"jid\":\"" + jid + "\",\"jobtype\":\"Cb\"}", null));
    assertThat(batches.commit(bid)).isTrue();
  }

  private static QueuedJob callback(String jid) {
    byte[] payload =
        ("{\"jid\":\"" + jid + "\",\"jobtype\":\"Cb\",\"args\":[],\"queue\":\"callbacks\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new QueuedJob(jid, "callbacks", payload, 5);
  }

  @Test
  void aReopenedBatchDoesNotCompleteUntilCommittedAgain() {
    committed("b-1", null);
    batches.reopen("b-1", EXPIRES);
    assertThat(batches.markComplete("b-1", BatchRecord.ENQUEUED, T0)).isFalse();
    batches.commit("b-1");
    assertThat(batches.markComplete("b-1", BatchRecord.DONE, T0)).isTrue();
    assertThat(batches.get("b-1").orElseThrow().completedAt()).isEqualTo(T0);
  }

  @Test
  void aParentCompletesAndSucceedsOnlyAfterItsChildren() {
    committed("b-p", null);
    committed("b-c", "b-p", "j1");
    assertThat(batches.markComplete("b-p", BatchRecord.ENQUEUED, T0)).isFalse();
    batches.finish("b-c", "j1", MemberState.SUCCEEDED);
    assertThat(batches.markComplete("b-c", BatchRecord.ENQUEUED, T0)).isTrue();
    assertThat(batches.markComplete("b-p", BatchRecord.ENQUEUED, T0)).isFalse();
    batches.callbackDone("b-c", Callback.COMPLETE, T0);
    assertThat(batches.markComplete("b-p", BatchRecord.ENQUEUED, T0)).isTrue();
    batches.callbackDone("b-p", Callback.COMPLETE, T0);
    assertThat(batches.markSuccess("b-p", BatchRecord.ENQUEUED)).isFalse();
    assertThat(batches.markSuccess("b-c", BatchRecord.DONE)).isTrue();
    assertThat(batches.markSuccess("b-p", BatchRecord.ENQUEUED)).isTrue();
  }

  @Test
  void expiryDeletesOnlyBatchesNeverCommittedInTime() {
    batches.create(fresh("b-old", null));
    batches.join("b-old", "j1", T0).join();
    committed("b-done", null);
    assertThat(batches.expire(EXPIRES.minusSeconds(1), 10)).isEmpty();
    assertThat(batches.expire(EXPIRES, 10)).containsExactly("b-old");
    assertThat(batches.get("b-old")).isEmpty();
    assertThat(batches.members("b-old", MemberState.PENDING, 10)).isEmpty();
    assertThat(batches.get("b-done")).isPresent();
  }

  @Test
  void aStaleReopenIsClosedAgain() {
    committed("b-1", null);
    batches.reopen("b-1", EXPIRES);
    assertThat(batches.closeStaleReopens(EXPIRES.minusSeconds(1), 10)).isEmpty();
    assertThat(batches.closeStaleReopens(EXPIRES, 10)).containsExactly("b-1");
    assertThat(batches.get("b-1").orElseThrow().open()).isFalse();
  }

  @Test
  void purgeDeletesBatchesCompletedBeforeTheCutoff() {
    committed("b-1", null, "j1");
    committed("b-2", null);
    batches.finish("b-1", "j1", MemberState.SUCCEEDED);
    batches.markComplete("b-1", BatchRecord.DONE, T0);
    batches.markComplete("b-2", BatchRecord.DONE, T0.plusSeconds(100));
    assertThat(batches.purge(T0.plusSeconds(50), 10)).isEqualTo(1);
    assertThat(batches.get("b-1")).isEmpty();
    assertThat(batches.get("b-2")).isPresent();
  }

  @Test
  void aBatchCompletedByItsCallbackIsPurgedAfterIt() {
    committed("b-1", null);
    batches.markComplete("b-1", BatchRecord.ENQUEUED, T0);
    batches.callbackDone("b-1", Callback.COMPLETE, T0.plusSeconds(10));
    assertThat(batches.purge(T0.plusSeconds(9), 10)).isZero();
    assertThat(batches.purge(T0.plusSeconds(10), 10)).isEqualTo(1);
  }

  /**
   * For stores that outlive the process: a pending member whose job is gone (ACKed by a process
   * that died before recording it) counts as succeeded, one whose job is retrying or dead, or was
   * discarded by a FAIL (its fate recorded), as failed; one whose job is still queued, scheduled or
   * held by a workflow stays pending, as does one joined too recently. A callback state "1" whose
   * job is gone was ACKed: "2"; one whose job is still queued stays "1".
   */
  protected void vanishedMembersAreSettledAfterACrash() {
    committed(
        "b-1",
        null,
        "acked-1",
        "queued-1",
        "retrying-1",
        "dead-1",
        "scheduled-1",
        "discarded-1",
        "held-1");
    VanishedMembersContract.holdInWorkflow(store, VanishedMembersContract.member("held-1", "b-1"));
    store.enqueue(List.of(new QueuedJob("discarded-1", "members", job("discarded-1").payload())));
    // Its FAIL (retry 0) discarded it and recorded the fate; the report is lost with the process.
    assertThat(store.reserve(List.of("members"), "w1", T0, p -> T0.plusSeconds(60))).isPresent();
    assertThat(store.fail("discarded-1", r -> new FailureDecision.Discard(T0))).isPresent();
    store.enqueue(List.of(job("queued-1")));
    store.addToSet(SetName.RETRIES, T0.plusSeconds(60), job("retrying-1"));
    store.addToSet(SetName.DEAD, T0.plusSeconds(60), job("dead-1"));
    store.addToSet(SetName.SCHEDULED, T0.plusSeconds(60), job("scheduled-1"));
    batches.reopen("b-1", EXPIRES);
    batches.join("b-1", "late-1", T0.plusSeconds(5)).join();
    batches.commit("b-1");
    withCallback("b-acked", "cb-gone");
    assertThat(batches.fire("b-acked", Callback.COMPLETE, callback("cb-gone"), T0)).isTrue();
    // Its worker ACKs it; the report of that ACK is lost with the process.
    assertThat(store.reserve(List.of("callbacks"), "w1", T0, p -> T0.plusSeconds(60))).isPresent();
    assertThat(store.acknowledge("cb-gone")).isPresent();
    withCallback("b-queued", "cb-here");
    assertThat(batches.fire("b-queued", Callback.COMPLETE, callback("cb-here"), T0)).isTrue();

    assertThat(batches.settleVanished(T0.plusSeconds(1))).isEqualTo(5);
    assertThat(batches.members("b-1", MemberState.SUCCEEDED, 10)).containsExactly("acked-1");
    assertThat(batches.members("b-1", MemberState.FAILED, 10))
        .containsExactly("dead-1", "discarded-1", "retrying-1");
    assertThat(batches.members("b-1", MemberState.PENDING, 10))
        .containsExactly("held-1", "late-1", "queued-1", "scheduled-1");
    assertThat(batches.get("b-acked").orElseThrow().completeSt()).isEqualTo(BatchRecord.DONE);
    assertThat(batches.get("b-queued").orElseThrow().completeSt()).isEqualTo(BatchRecord.ENQUEUED);
  }

  private static QueuedJob job(String jid) {
    byte[] payload =
        ("{\"jid\":\"" + jid + "\",\"jobtype\":\"W\",\"args\":[],\"queue\":\"default\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new QueuedJob(jid, "default", payload, 5);
  }

  @Test
  void unsettledAndCountsFollowTheStates() {
    batches.create(fresh("b-open", null));
    committed("b-waiting", null, "j1");
    committed("b-done", null);
    batches.markComplete("b-done", BatchRecord.DONE, T0);
    batches.markSuccess("b-done", BatchRecord.DONE);
    assertThat(batches.unsettled(null, 10)).containsExactly("b-waiting");
    assertThat(batches.counts()).isEqualTo(new BatchCounts(1, 1, 1));
    assertThat(batches.list(null, 10)).hasSize(3);
    assertThat(batches.list(null, 2)).hasSize(2);
  }

  /** FLUSH wipes every job, so the batches counting them go too. */
  @Test
  void flushDeletesEveryBatchAndMember() {
    batches.create(fresh("b-open", null));
    committed("b-1", null, "j1", "j2");
    store.flush();
    assertThat(batches.get("b-1")).isEmpty();
    assertThat(batches.get("b-open")).isEmpty();
    assertThat(batches.members("b-1", MemberState.PENDING, 10)).isEmpty();
    assertThat(batches.counts()).isEqualTo(new BatchCounts(0, 0, 0));
    batches.create(fresh("b-1", null));
    assertThat(batches.get("b-1").orElseThrow().total()).isZero();
  }

  @Test
  void unsettledBatchesArePagedByBid() {
    for (int i = 0; i < 7; i++) {
      committed("b-" + i, null);
    }
    assertThat(batches.unsettled(null, 3)).containsExactly("b-0", "b-1", "b-2");
    assertThat(batches.unsettled("b-2", 3)).containsExactly("b-3", "b-4", "b-5");
    assertThat(batches.unsettled("b-5", 3)).containsExactly("b-6");
  }

  /**
   * Many threads finish the members of one batch and each checks for completion after its own
   * update, as nodes do: exactly one check wins.
   */
  @Test
  void ofManyRacingChecksExactlyOneCompletesTheBatch() throws Exception {
    int members = 200;
    batches.create(fresh("b-1", null));
    for (int i = 0; i < members; i++) {
      batches.join("b-1", "j" + i, T0).join();
    }
    batches.commit("b-1");
    AtomicInteger wins = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        String jid = "j" + i;
        Callable<Void> finish =
            () -> {
              batches.finish("b-1", jid, MemberState.SUCCEEDED);
              if (batches.markComplete("b-1", BatchRecord.ENQUEUED, T0)) {
                wins.incrementAndGet();
              }
              return null;
            };
        done.add(pool.submit(finish));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(wins).hasValue(1);
    assertThat(batches.get("b-1").orElseThrow().pending()).isZero();
  }
}
