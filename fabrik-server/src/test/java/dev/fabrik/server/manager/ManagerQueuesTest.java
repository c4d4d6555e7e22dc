package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §3.9, §3.10, §3.12, §6.2, §6.6; checklist 54–56 and the QUEUE cases. */
class ManagerQueuesTest {
  private final Fixture f = new Fixture();

  @Test
  void wildcardPausesResumesAndRemovesEveryKnownQueue() {
    f.manager.push(job("abcdefgh", "T", "a"));
    f.manager.push(job("abcdefgi", "T", "b"));
    f.manager.queues().pause(List.of("*"));
    assertThat(f.store.pausedQueues()).containsExactlyInAnyOrder("a", "b");
    f.manager.queues().resume(List.of("*", "ignored"));
    assertThat(f.store.pausedQueues()).isEmpty();
    f.manager.queues().pause(List.of("never-seen"));
    assertThat(f.store.pausedQueues()).isEmpty();
    f.manager.queues().remove(List.of("frobnoz"));
    f.manager.queues().remove(List.of("a"));
    assertThat(f.store.queueSizes()).containsOnlyKeys("b");
    f.manager.queues().remove(List.of("*"));
    assertThat(f.store.queueSizes()).isEmpty();
    f.manager.queues().pause(List.of());
  }

  @Test
  void latencyIsSecondsSinceTheHeadJobWasEnqueued() {
    assertThat(f.manager.queues().latency(List.of("default")))
        .containsExactly(java.util.Map.entry("default", 0.0));
    f.manager.push(job("abcdefgh", "T", "default"));
    f.clock.advance(Duration.ofMillis(2500));
    f.manager.push(job("abcdefgi", "T", "default"));
    assertThat(f.manager.queues().latency(List.of("default", "foo")))
        .containsExactly(java.util.Map.entry("default", 2.5), java.util.Map.entry("foo", 0.0));
    assertThatThrownBy(() -> f.manager.queues().latency(List.of("*")))
        .isInstanceOf(CommandException.class)
        .hasMessage("QUEUE LATENCY does not support wildcards");
  }

  @Test
  void latencyOfAJobWithoutEnqueuedAtIsZero() {
    f.store.enqueue(
        List.of(
            new QueuedJob(
                "abcdefgh", "raw", "{\"jid\":\"abcdefgh\"}".getBytes(StandardCharsets.UTF_8))));
    assertThat(f.manager.queues().latency(List.of("raw"))).containsEntry("raw", 0.0);
  }

  @Test
  void scheduledPassMovesOnlyDueJobsAndStampsThem() {
    Instant now = f.clock.instant();
    for (Duration d : List.of(Duration.ZERO, Duration.ofMinutes(5), Duration.ofMinutes(8))) {
      f.manager.push(
          job(
              "{\"jid\":\"job-"
                  + d.toMinutes()
                  + "-xyz\",\"jobtype\":\"T\",\"args\":[],\"at\":\""
                  + Timestamps.format(now.plus(d).plusMillis(1))
                  + "\"}"));
    }
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(3);
    f.clock.advance(Duration.ofMillis(1));
    assertThat(f.manager.maintenance().enqueueScheduled()).isEqualTo(1);
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(2);
    var head = dev.fabrik.protocol.JobCodec.decode(f.store.peek("default").orElseThrow());
    assertThat(head.enqueuedAt()).isEqualTo(Timestamps.format(f.clock.instant()));
    assertThat(f.manager.stats().tasks().get("Scheduled").enqueued()).isEqualTo(1);
    assertThat(f.manager.stats().tasks().get("Scheduled").cycles()).isEqualTo(1);
  }

  @Test
  void scheduledPassDrainsMoreThanOneBatch() {
    Instant at = f.clock.instant().plusSeconds(1);
    List<dev.fabrik.protocol.Job> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < Maintenance.BATCH * 2 + 1; i++) {
      jobs.add(
          job(
              "{\"jid\":\"jid-"
                  + (100000 + i)
                  + "\",\"jobtype\":\"T\",\"args\":[],\"at\":\""
                  + Timestamps.format(at)
                  + "\"}"));
    }
    assertThat(f.manager.pushBulk(jobs)).isEmpty();
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.manager.maintenance().enqueueScheduled()).isEqualTo(Maintenance.BATCH * 2 + 1);
  }

  @Test
  void deadPurgeDropsExpiredEntriesAndTrimsToTheCap() {
    var capped =
        new Fixture(
            new ManagerSettings(Duration.ofMillis(10), Duration.ofDays(180), 2, 1 << 20), 0);
    Instant now = capped.clock.instant();
    addDead(capped, "dead0001", now);
    addDead(capped, "dead0002", now.plus(Duration.ofMinutes(5)));
    assertThat(capped.manager.maintenance().purgeDead()).isEqualTo(1);
    assertThat(capped.size(SetName.DEAD)).isEqualTo(1);
    addDead(capped, "dead0003", now.plus(Duration.ofMinutes(6)));
    addDead(capped, "dead0004", now.plus(Duration.ofMinutes(7)));
    assertThat(capped.manager.maintenance().purgeDead()).isEqualTo(1);
    assertThat(capped.store.scan(SetName.DEAD, null, 10))
        .extracting(e -> e.jid())
        .containsExactly("dead0003", "dead0004");
    assertThat(capped.manager.stats().tasks().get("Dead").enqueued()).isEqualTo(2);
  }

  private static void addDead(Fixture fx, String jid, Instant expiry) {
    fx.store.addToSet(
        SetName.DEAD,
        expiry,
        new QueuedJob(
            jid, "default", ("{\"jid\":\"" + jid + "\"}").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void statsAndFlush() throws Exception {
    f.manager.push(job("abcdefgh", "T", "default"));
    f.manager.push(job("abcdefgi", "T", "default"));
    f.fetchJob("default");
    f.manager.push(
        job(
            "{\"jid\":\"sched001\",\"jobtype\":\"T\",\"args\":[],\"at\":\""
                + Timestamps.format(f.clock.instant().plusSeconds(60))
                + "\"}"));
    JobStats s = f.manager.stats();
    assertThat(s.queues()).containsExactly(java.util.Map.entry("default", 1L));
    assertThat(s.scheduled()).isEqualTo(1);
    assertThat(s.working()).isEqualTo(1);
    assertThat(s.tasks()).containsKeys("Scheduled", "Retries", "Dead", "Busy", "Workers");
    f.manager.flush();
    JobStats empty = f.manager.stats();
    assertThat(empty.queues()).isEmpty();
    assertThat(empty.scheduled() + empty.working() + empty.totalProcessed()).isZero();
  }
}
