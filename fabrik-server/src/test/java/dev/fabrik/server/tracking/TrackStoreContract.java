package dev.fabrik.server.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.storage.Mutation;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.workflow.WorkflowRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TrackStore} must do, reached as {@link Store#tracking()}. Subclasses open a
 * fresh, empty store. Instants are whole microseconds (durable stores keep epoch micros).
 */
public abstract class TrackStoreContract {
  protected static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");
  protected static final Instant LATER = T0.plusSeconds(1800);

  protected Store store;
  protected TrackStore tracks;

  protected abstract Store open() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = open();
    tracks = store.tracking();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void aJidNeverTrackedHasNoRecord() {
    assertThat(tracks.get("nobody")).isEmpty();
    assertThat(tracks.size()).isZero();
  }

  @Test
  void getAllReturnsTheRecordsThatExist() {
    tracks.enqueued("j1", T0);
    tracks.moved("j2", TrackState.WORKING, T0, null);
    assertThat(tracks.getAll(List.of("j1", "nobody", "j2")))
        .containsOnlyKeys("j1", "j2")
        .containsEntry("j2", new TrackRecord("j2", TrackState.WORKING, null, null, T0, null));
    assertThat(tracks.getAll(List.of())).isEmpty();
  }

  @Test
  void enqueuedStartsAFreshRecordWithoutProgressOrExpiry() {
    tracks.enqueued("j1", T0).join();
    assertThat(tracks.get("j1"))
        .contains(new TrackRecord("j1", TrackState.ENQUEUED, null, null, T0, null));
  }

  @Test
  void progressKeepsTheStateAndNullKeepsTheOtherField() {
    tracks.enqueued("j1", T0).join();
    tracks.moved("j1", TrackState.WORKING, T0.plusSeconds(1), null).join();
    tracks.progress("j1", 40, "resizing", T0.plusSeconds(2), LATER).join();
    tracks.progress("j1", 60, null, T0.plusSeconds(3), LATER).join();
    tracks.progress("j1", null, "uploading", T0.plusSeconds(4), LATER).join();

    assertThat(tracks.get("j1"))
        .contains(
            new TrackRecord("j1", TrackState.WORKING, 60, "uploading", T0.plusSeconds(4), null));
  }

  @Test
  void movingKeepsTheProgressAndSetsTheExpiry() {
    tracks.enqueued("j1", T0).join();
    tracks.progress("j1", 100, "done", T0.plusSeconds(1), LATER).join();
    tracks.moved("j1", TrackState.SUCCESS, T0.plusSeconds(2), LATER).join();

    assertThat(tracks.get("j1"))
        .contains(new TrackRecord("j1", TrackState.SUCCESS, 100, "done", T0.plusSeconds(2), LATER));
  }

  @Test
  void progressForAnUnknownJidMakesAnUnknownRecordThatExpires() {
    tracks.progress("j1", 5, null, T0, LATER).join();
    assertThat(tracks.get("j1"))
        .contains(new TrackRecord("j1", TrackState.UNKNOWN, 5, null, T0, LATER));
  }

  @Test
  void aJidPushedAgainStartsOver() {
    tracks.enqueued("j1", T0).join();
    tracks.progress("j1", 80, "almost", T0, LATER).join();
    tracks.moved("j1", TrackState.FAILED, T0, LATER).join();
    tracks.enqueued("j1", T0.plusSeconds(5)).join();

    assertThat(tracks.get("j1"))
        .contains(new TrackRecord("j1", TrackState.ENQUEUED, null, null, T0.plusSeconds(5), null));
  }

  @Test
  void writesApplyInCallOrderAndReadsSeeThemWithoutWaiting() {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    TrackState[] cycle = {TrackState.WORKING, TrackState.FAILED, TrackState.WORKING};
    for (int i = 0; i < 300; i++) {
      writes.add(tracks.moved("j" + (i % 3), cycle[i % 3], T0.plusSeconds(i), null));
      writes.add(tracks.progress("j" + (i % 3), i % 101, "step " + i, T0.plusSeconds(i), LATER));
    }
    // Not joined: a read must see every write called before it.
    assertThat(tracks.get("j2").orElseThrow())
        .isEqualTo(
            new TrackRecord(
                "j2", TrackState.WORKING, 299 % 101, "step 299", T0.plusSeconds(299), null));
    assertThat(tracks.get("j1").orElseThrow().state()).isEqualTo(TrackState.FAILED);
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
  }

  @Test
  void purgeDeletesOnlyRecordsExpiredByNowAndAtMostTheLimit() {
    tracks.enqueued("active", T0).join();
    tracks.moved("working", TrackState.WORKING, T0, null).join();
    for (int i = 0; i < 5; i++) {
      tracks.moved("done" + i, TrackState.SUCCESS, T0, T0.plusSeconds(i)).join();
    }
    tracks.moved("later", TrackState.DEAD, T0, LATER).join();

    assertThat(tracks.purge(T0.plusSeconds(3), 2)).isEqualTo(2);
    assertThat(tracks.purge(T0.plusSeconds(3), 100)).isEqualTo(2); // the one at +3 s included
    assertThat(tracks.purge(T0.plusSeconds(3), 100)).isZero();
    assertThat(tracks.get("done4")).isPresent();
    assertThat(tracks.get("done3")).isEmpty();

    assertThat(tracks.purge(T0.plus(Duration.ofDays(365)), 100)).isEqualTo(2);
    assertThat(tracks.get("active")).isPresent();
    assertThat(tracks.get("working")).isPresent();
    assertThat(tracks.size()).isEqualTo(2);
  }

  @Test
  void expiredAtIsInclusive() {
    TrackRecord r = new TrackRecord("j", TrackState.SUCCESS, null, null, T0, LATER);
    assertThat(r.expiredAt(LATER.minusNanos(1000))).isFalse();
    assertThat(r.expiredAt(LATER)).isTrue();
    assertThat(new TrackRecord("j", TrackState.WORKING, null, null, T0, null).expiredAt(LATER))
        .isFalse();
  }

  // ------------------------------------------------ jobs that vanish without an outcome

  /** When the sweep runs: an hour after T0, so records stamped at T0 are quiet. */
  private static final Instant SWEEP = T0.plus(Duration.ofHours(1));

  private static final Instant QUIET_SINCE = SWEEP.minus(Duration.ofMinutes(1));
  private static final Instant KEPT_UNTIL = SWEEP.plus(Duration.ofMinutes(30));

  private static QueuedJob queued(String jid, String queue) {
    String json =
        "{\"jid\":\"" + jid + "\",\"jobtype\":\"T\",\"args\":[],\"queue\":\"" + queue + "\"}";
    return new QueuedJob(jid, queue, json.getBytes(StandardCharsets.UTF_8));
  }

  private int settle(int limit) {
    return tracks.settleVanished(QUIET_SINCE, SWEEP, KEPT_UNTIL, limit);
  }

  @Test
  void aJobWhoseQueueWasRemovedEndsUnknownWithItsProgressAndIsPurgedAfterTheRetention() {
    store.enqueue(List.of(queued("j1", "doomed")));
    tracks.enqueued("j1", T0).join();
    tracks.progress("j1", 40, "half way", T0, LATER).join();
    store.remove(List.of("doomed"));

    assertThat(settle(100)).isEqualTo(1);
    assertThat(tracks.get("j1"))
        .contains(new TrackRecord("j1", TrackState.UNKNOWN, 40, "half way", SWEEP, KEPT_UNTIL));
    assertThat(settle(100)).as("settled once").isZero();
    assertThat(tracks.purge(KEPT_UNTIL.minusSeconds(1), 100)).isZero();
    assertThat(tracks.purge(KEPT_UNTIL, 100)).isEqualTo(1);
    assertThat(tracks.size()).isZero();
  }

  @Test
  void jobsDeletedFromASetOrFromTheirQueueEndUnknown() {
    store.addToSet(SetName.SCHEDULED, T0, queued("scheduled", "q"));
    store.addToSet(SetName.RETRIES, T0, queued("retry", "q"));
    store.addToSet(SetName.DEAD, T0, queued("dead", "q"));
    store.enqueue(List.of(queued("queued", "q")));
    for (String jid : List.of("scheduled", "retry", "dead", "queued")) {
      tracks.moved(jid, TrackState.ENQUEUED, T0, null).join();
    }
    tracks.moved("dead", TrackState.DEAD, T0, null).join();
    store.mutate(
        SetName.SCHEDULED, List.of(new SetEntry.Key(T0, "scheduled")), new Mutation.Delete());
    store.mutate(SetName.RETRIES, e -> true, new Mutation.Delete());
    store.purgeDue(SetName.DEAD, T0, 100);
    assertThat(store.singleJobs().deleteQueued("q", "queued")).isTrue();

    assertThat(settle(100)).isEqualTo(4);
    for (String jid : List.of("scheduled", "retry", "dead", "queued")) {
      assertThat(tracks.get(jid).orElseThrow().state()).as(jid).isEqualTo(TrackState.UNKNOWN);
      assertThat(tracks.get(jid).orElseThrow().expiresAt()).as(jid).isEqualTo(KEPT_UNTIL);
    }
  }

  @Test
  void jobsStillSomewhereAndRecentOrFinishedRecordsAreLeftAlone() {
    store.enqueue(List.of(queued("queued", "q"), queued("reserved", "r")));
    store.addToSet(SetName.SCHEDULED, LATER, queued("scheduled", "q"));
    store.addToSet(SetName.RETRIES, LATER, queued("retry", "q"));
    store.addToSet(SetName.DEAD, LATER, queued("dead", "q"));
    assertThat(store.reserve(List.of("r"), "w1", T0, p -> LATER)).isPresent();
    List<String> present = List.of("queued", "reserved", "scheduled", "retry", "dead");
    for (String jid : present) {
      tracks.moved(jid, TrackState.WORKING, T0, null).join();
    }
    // Gone, but changed within the quiet minute (its PUSH may still be storing it) or finished.
    tracks.enqueued("pushing", QUIET_SINCE).join();
    tracks.moved("finished", TrackState.SUCCESS, T0, LATER).join();

    assertThat(settle(100)).isZero();
    for (String jid : present) {
      assertThat(tracks.get(jid).orElseThrow().state()).as(jid).isEqualTo(TrackState.WORKING);
    }
    assertThat(tracks.get("pushing").orElseThrow().state()).isEqualTo(TrackState.ENQUEUED);
    assertThat(tracks.get("finished").orElseThrow().state()).isEqualTo(TrackState.SUCCESS);
  }

  @Test
  void aJobHeldByAWorkflowIsLeftAlone() {
    WorkflowRules rules = new WorkflowRules(store.workflows(), Duration.ofHours(1));
    assertThat(
            rules.push(
                List.of(
                    new WorkflowRules.Submitted(queued("first", "wf"), null, List.of()),
                    new WorkflowRules.Submitted(queued("second", "wf"), null, List.of("first"))),
                T0,
                LATER))
        .isEmpty();
    tracks.enqueued("second", T0).join();

    assertThat(settle(100)).isZero();
    assertThat(tracks.get("second").orElseThrow().state()).isEqualTo(TrackState.ENQUEUED);
  }

  @Test
  void settlingTakesAtMostTheLimit() {
    for (int i = 0; i < 5; i++) {
      tracks.enqueued("gone" + i, T0).join();
    }
    assertThat(settle(2)).isEqualTo(2);
    assertThat(settle(100)).isEqualTo(3);
    assertThat(settle(100)).isZero();
  }

  @Test
  void flushWipesTheRecords() {
    tracks.enqueued("j1", T0).join();
    tracks.progress("j2", 1, "x", T0, LATER).join();
    store.flush();
    assertThat(tracks.get("j1")).isEmpty();
    assertThat(tracks.size()).isZero();
  }
}
