package dev.fabrik.server.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.cluster.RecoveryTrigger;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.Reservation;
import dev.fabrik.server.storage.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What each report of the manager does to a batch, without a server: a snooze leaves the member
 * pending, a FAIL counts it failed, a later ACK (a retry that worked) succeeded; pushes into
 * unknown or committed batches are refused before anything is stored.
 */
class BatchOutcomesTest {
  private static final Instant T0 = Instant.parse("2026-06-30T17:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private final List<Job> pushed = new ArrayList<>();
  private final MemoryStore store = new MemoryStore();
  private final Batches batches =
      new Batches(
          store.batches(),
          job -> {
            pushed.add(job);
            String queue = job.queue() == null ? "default" : job.queue();
            return QueuedJob.fromPayload(job.jid(), queue, JobCodec.encode(job));
          },
          clock,
          Duration.ofHours(24),
          Duration.ofHours(1),
          Duration.ZERO,
          RecoveryTrigger.ALWAYS);
  private final BatchOutcomes hooks = new BatchOutcomes(batches);

  @AfterEach
  void stop() {
    batches.stop(Duration.ofSeconds(5));
  }

  private String newBatch() {
    return batches.create(
        new BatchRequest(
            null,
            null,
            null,
            (tools.jackson.databind.node.ObjectNode)
                JobCodec.MAPPER.readTree("{\"jobtype\":\"Done\"}")));
  }

  private static Job member(String jid, String bid) {
    return JobCodec.decode(
        ("{\"jid\":\""
                + jid
                + "\",\"jobtype\":\"W\",\"args\":[],\"custom\":{\"bid\":\""
                + bid
                + "\"}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static Reservation reservation(Job job) {
    return new Reservation(
        job.jid(), "default", JobCodec.encode(job), "w1", T0, T0.plusSeconds(60));
  }

  private void push(Job job) {
    hooks.beforePush(job);
    hooks.pushing(job);
  }

  @Test
  void aSnoozeKeepsTheBatchWaitingAndAFailThenARetriedAckCountOnce() {
    String bid = newBatch();
    Job job = member("member-1", bid);
    push(job);
    batches.commit(bid);

    hooks.snoozed(reservation(job), T0.plusSeconds(30));
    BatchRecord s = batches.status(bid);
    assertThat(s.pending()).isEqualTo(1);
    assertThat(s.completeSt()).isEmpty();
    assertThat(pushed).isEmpty();

    hooks.failed(reservation(job), false, null);
    s = batches.status(bid);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.completeSt()).isEqualTo("1");
    assertThat(pushed).hasSize(1);
    assertThat(pushed.getFirst().custom().get("_bid").stringValue()).isEqualTo(bid);
    assertThat(store.queueSize("default")).as("stored with its state").isEqualTo(1);

    hooks.acknowledged(reservation(job));
    hooks.acknowledged(reservation(job));
    s = batches.status(bid);
    assertThat(s.failed()).isZero();
    assertThat(s.total()).isEqualTo(1);
    assertThat(pushed).hasSize(1);
  }

  /**
   * 1,200 committed batches whose completion check was missed (created behind the service's back):
   * one sweep pages through all of them, not only the first 500.
   */
  @Test
  void theSweepRechecksEveryCommittedBatchNotOnlyTheFirstPage() {
    int count = 1200;
    for (int i = 0; i < count; i++) {
      String bid = "b-%04d".formatted(i);
      store
          .batches()
          .create(
              BatchRecord.created(
                  bid,
                  null,
                  null,
                  T0,
                  T0.plusSeconds(1800),
                  "{\"jid\":\"cb-" + bid + "\",\"jobtype\":\"Done\",\"args\":[]}",
                  null));
      store.batches().commit(bid);
    }
    batches.sweepNow();
    assertThat(store.queueSize("default")).isEqualTo(count);
    assertThat(store.batches().get("b-1199").orElseThrow().completeSt()).isEqualTo("1");
    batches.sweepNow();
    assertThat(store.queueSize("default")).as("each callback once").isEqualTo(count);
  }

  @Test
  void pushesIntoUnknownOrCommittedBatchesAreRefused() {
    assertThatThrownBy(() -> hooks.beforePush(member("stray-1", "b-nope")))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("unknown batch b-nope");
    String bid = newBatch();
    batches.commit(bid);
    assertThatThrownBy(() -> hooks.beforePush(member("late-1", bid)))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("is committed");
  }
}
