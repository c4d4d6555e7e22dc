package dev.fabrik.server.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.ManualClock;
import dev.fabrik.server.manager.FailureReport;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.ManagerSettings;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.memory.MemoryStore;
import dev.fabrik.server.workers.WorkerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hook inside a manager over a memory store, on a manual clock: nothing here sleeps. */
class ExpiringJobsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T18:00:00Z"));
  private final MemoryStore store = new MemoryStore();
  private final Manager manager =
      new Manager(
          store,
          new WorkerRegistry(clock),
          clock,
          new ManagerSettings(Duration.ZERO, Duration.ofDays(180), 1_000_000, 8 * 1024 * 1024));
  private final List<String> expired = new ArrayList<>();

  ExpiringJobsTest() {
    manager.use(new ExpiringJobs(clock, (job, where) -> expired.add(job.jid() + "@" + where)));
  }

  private static Job job(String jid, String custom) {
    return JobCodec.decode(
        "{\"jid\":\"" + jid + "\",\"jobtype\":\"T\",\"args\":[],\"custom\":" + custom + "}");
  }

  private static Job scheduled(String jid, Instant at, String custom) {
    return JobCodec.decode(
        "{\"jid\":\""
            + jid
            + "\",\"jobtype\":\"T\",\"args\":[],\"at\":\""
            + Timestamps.format(at)
            + "\",\"custom\":"
            + custom
            + "}");
  }

  private Optional<String> fetch() {
    return manager.fetchNow("", List.of("default")).map(p -> JobCodec.decode(p).jid());
  }

  @Test
  void anExpiredJobIsSkippedAndTheNextOneReturned() {
    manager.push(job("expiring", "{\"expires_in\":10}"));
    manager.push(job("plain-job", "{}"));
    clock.advance(Duration.ofSeconds(10));

    assertThat(fetch()).contains("plain-job");
    assertThat(expired).containsExactly("expiring@FETCH");
    assertThat(store.queueSize("default")).isZero();
    assertThat(store.workingSize()).as("the expired job is not left reserved").isEqualTo(1);
  }

  @Test
  void aJobBeforeItsExpiryRuns() {
    manager.push(job("expiring", "{\"expires_in\":10}"));
    clock.advance(Duration.ofMillis(9_999));
    assertThat(fetch()).contains("expiring");
    assertThat(expired).isEmpty();
  }

  @Test
  void expiresInCountsFromThePushNotFromTheFetch() {
    manager.push(job("expiring", "{\"expires_in\":10}"));
    clock.advance(Duration.ofSeconds(30));
    manager.push(job("pushed-later", "{\"expires_in\":10}"));
    assertThat(fetch()).contains("pushed-later");
    assertThat(expired).containsExactly("expiring@FETCH");
  }

  @Test
  void manyExpiredJobsInARowAreAllSkippedInOneFetch() {
    for (int i = 0; i < 500; i++) {
      manager.push(job("expired-" + (1000 + i), "{\"expires_in\":1}"));
    }
    manager.push(job("survivor", "{}"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(fetch()).contains("survivor");
    assertThat(expired).hasSize(500);
    assertThat(store.workingSize()).isEqualTo(1);
  }

  @Test
  void onlyExpiredJobsLeaveAnEmptyFetch() throws Exception {
    manager.push(job("expired-1", "{\"expires_at\":\"2026-12-05T17:00:00Z\"}"));
    assertThat(manager.fetch("", List.of("default"))).isEmpty();
    assertThat(store.queueSize("default")).isZero();
    assertThat(store.workingSize()).isZero();
  }

  @Test
  void aScheduledJobThatExpiresBeforeItIsDueIsDroppedWhenDue() {
    Instant now = clock.instant();
    manager.push(scheduled("sched-expiring", now.plusSeconds(60), "{\"expires_in\":30}"));
    manager.push(scheduled("sched-keeping", now.plusSeconds(60), "{\"expires_in\":120}"));
    clock.advance(Duration.ofSeconds(60));

    assertThat(manager.maintenance().enqueueScheduled()).isEqualTo(2);
    assertThat(store.setSize(SetName.SCHEDULED)).isZero();
    assertThat(store.queueSize("default")).isEqualTo(1);
    assertThat(expired).containsExactly("sched-expiring@DUE");
    assertThat(fetch()).contains("sched-keeping");
  }

  @Test
  void aRetryThatExpiresBeforeItIsDueIsDroppedWhenDue() {
    manager.push(job("retrying", "{\"expires_in\":5}"));
    assertThat(fetch()).contains("retrying");
    manager.fail(new FailureReport("retrying", "E", "boom", List.of()));
    assertThat(store.setSize(SetName.RETRIES)).isEqualTo(1);

    clock.advance(Duration.ofHours(1)); // past the first backoff (15 s + up to 30 s... and 5 s)
    assertThat(manager.maintenance().enqueueRetries()).isEqualTo(1);
    assertThat(store.setSize(SetName.RETRIES)).isZero();
    assertThat(store.queueSize("default")).isZero();
    assertThat(expired).containsExactly("retrying@DUE");
  }

  @Test
  void badValuesAreRefusedAtPushAndPushbListsThem() {
    assertThatThrownBy(() -> manager.push(job("bad-at-1", "{\"expires_at\":\"soon\"}")))
        .hasMessageContaining("expires_at");
    Map<String, String> errors =
        manager.pushBulk(
            List.of(
                job("bad-in-1", "{\"expires_in\":-3}"),
                job("good-in-1", "{\"expires_in\":3}"),
                job("bad-in-2", "{\"expires_in\":\"NaN\"}")));
    assertThat(errors)
        .containsOnlyKeys("bad-in-1", "bad-in-2")
        .containsEntry("bad-in-1", "custom.expires_in must not be negative, got -3");
    assertThat(store.queueSize("default")).isEqualTo(1);
  }
}
