package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.storage.Store;
import dev.fabrik.server.storage.memory.MemoryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec §3.3, §3.4; checklist 36–41. */
class ManagerPushTest {
  private final Fixture f = new Fixture();

  @Test
  void pushEnqueuesWithDefaults() throws Exception {
    f.manager.push(job("{\"jid\":\"abcdefgh1\",\"jobtype\":\"T\",\"args\":[]}"));
    assertThat(f.size("default")).isEqualTo(1);
    Job stored = JobCodec.decode(f.store.peek("default").orElseThrow());
    String now = Timestamps.format(f.clock.instant());
    assertThat(stored.enqueuedAt()).isEqualTo(now);
    assertThat(stored.createdAt()).isEqualTo(now);
    assertThat(stored.retry()).isEqualTo(25);
    assertThat(stored.queue()).isEqualTo("default");
  }

  @Test
  void clientValuesAreKept() {
    f.manager.push(
        job(
            "{\"jid\":\"abcdefgh1\",\"jobtype\":\"T\",\"args\":[],\"retry\":0,"
                + "\"created_at\":\"2020-01-01T00:00:00Z\",\"queue\":\"q\",\"priority\":5}"));
    Job stored = JobCodec.decode(f.store.peek("q").orElseThrow());
    assertThat(stored.retry()).isZero();
    assertThat(stored.createdAt()).isEqualTo("2020-01-01T00:00:00Z");
    assertThat(stored.extra()).containsKey("priority");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "\"id\"", "\"shortid\"", "null"})
  void shortJidsAreRefused(String jid) {
    assertThatThrownBy(
            () -> f.manager.push(job("{\"jid\":" + jid + ",\"jobtype\":\"T\",\"args\":[]}")))
        .isInstanceOf(CommandException.class)
        .hasMessageStartingWith("jobs must have a reasonable jid parameter: at least 8 characters");
    assertThat(f.store.queueSizes()).isEmpty();
  }

  @Test
  void theShortJidRefusalSaysTheRuleAndWhatWasSent() {
    assertThatThrownBy(() -> f.manager.push(job("{\"jid\":\"abc\",\"jobtype\":\"T\",\"args\":[]}")))
        .hasMessage(
            "jobs must have a reasonable jid parameter: at least 8 characters, got 3 (\"abc\")");
    assertThatThrownBy(() -> f.manager.push(job("{\"jobtype\":\"T\",\"args\":[]}")))
        .hasMessage(
            "jobs must have a reasonable jid parameter: at least 8 characters, it is missing");
  }

  @Test
  void validationTextsInOrder() {
    assertThatThrownBy(() -> f.manager.push(job("{\"jid\":\"abcdefgh\",\"args\":[]}")))
        .hasMessage("jobs must have a jobtype parameter");
    assertThatThrownBy(
            () -> f.manager.push(job("{\"jid\":\"abcdefgh\",\"jobtype\":\"\",\"args\":[]}")))
        .hasMessage("jobs must have a jobtype parameter");
    assertThatThrownBy(() -> f.manager.push(job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\"}")))
        .hasMessage("jobs must have an args parameter");
    assertThatThrownBy(
            () -> f.manager.push(job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":null}")))
        .hasMessage("jobs must have an args parameter");
    assertThatThrownBy(
            () ->
                f.manager.push(
                    job(
                        "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],"
                            + "\"reserve_for\":86401}")))
        .hasMessage("jobs cannot be reserved for more than one day");
    f.manager.push(
        job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"reserve_for\":86400}"));
    assertThat(f.size("default")).isEqualTo(1);
  }

  @Test
  void badQueueNameIsRefusedEvenWhenScheduled() {
    String at = Timestamps.format(f.clock.instant().plusSeconds(300));
    assertThatThrownBy(
            () ->
                f.manager.push(
                    job(
                        "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"queue\":\"c&c\","
                            + "\"at\":\""
                            + at
                            + "\"}")))
        .hasMessage("cannot get \"c&c\" queue: queue names must match \\A[a-zA-Z0-9._-]+\\z");
    assertThat(f.size(SetName.SCHEDULED)).isZero();
  }

  @Test
  void futureAtIsScheduledWithoutEnqueuedAt() {
    String at = Timestamps.format(f.clock.instant().plus(Duration.ofMinutes(5)));
    f.manager.push(
        job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"at\":\"" + at + "\"}"));
    assertThat(f.size(SetName.SCHEDULED)).isEqualTo(1);
    assertThat(f.size("default")).isZero();
    var entry = f.store.scan(SetName.SCHEDULED, null, 10).getFirst();
    assertThat(entry.score()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(JobCodec.decode(entry.payload()).enqueuedAt()).isNull();
  }

  @Test
  void pastOrPresentAtIsEnqueuedAtOnce() {
    String past = Timestamps.format(f.clock.instant().minusSeconds(1));
    String now = Timestamps.format(f.clock.instant());
    f.manager.push(
        job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"at\":\"" + past + "\"}"));
    f.manager.push(
        job("{\"jid\":\"abcdefgi\",\"jobtype\":\"T\",\"args\":[],\"at\":\"" + now + "\"}"));
    assertThat(f.size("default")).isEqualTo(2);
    assertThat(JobCodec.decode(f.store.peek("default").orElseThrow()).enqueuedAt()).isEqualTo(now);
  }

  @Test
  void invalidAtIsRefused() {
    assertThatThrownBy(
            () ->
                f.manager.push(
                    job(
                        "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],"
                            + "\"at\":\"invalid time\"}")))
        .isInstanceOf(CommandException.class)
        .hasMessageStartingWith("invalid timestamp for 'at': \"invalid time\": ");
    assertThat(f.store.queueSizes()).isEmpty();
    assertThat(f.size(SetName.SCHEDULED)).isZero();
  }

  @Test
  void oversizedJobIsRefusedNamingTheLimit() {
    var small =
        new Fixture(new ManagerSettings(Duration.ofMillis(10), Duration.ofDays(1), 10, 100), 0);
    assertThatThrownBy(
            () ->
                small.manager.push(
                    job(
                        "{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[\""
                            + "x".repeat(100)
                            + "\"]}")))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("the limit is 100 bytes");
    assertThat(small.store.queueSizes()).isEmpty();
  }

  @Test
  void pushBulkReportsFailuresByJidAndStoresTheRest() {
    List<Job> jobs = new ArrayList<>();
    jobs.add(job("{\"jid\":\"0123456789abcdef\",\"jobtype\":\"\",\"args\":[]}"));
    for (int i = 0; i < 9; i++) {
      jobs.add(job("jid-00000" + i, "T", "default"));
    }
    jobs.add(job("{\"jobtype\":\"T\",\"args\":[]}"));
    Map<String, String> errors = f.manager.pushBulk(jobs);
    assertThat(errors)
        .containsExactly(
            Map.entry("0123456789abcdef", "jobs must have a jobtype parameter"),
            Map.entry(
                "",
                "jobs must have a reasonable jid parameter: at least 8 characters, it is missing"));
    assertThat(f.size("default")).isEqualTo(9);
  }

  @Test
  void pushBulkStoresTheWholeBatchScheduledJobsIncludedInOneStoreWrite() {
    AtomicInteger writes = new AtomicInteger();
    Store counting = countingWrites(new MemoryStore(), writes);
    var m =
        new Manager(
            counting,
            new dev.fabrik.server.workers.WorkerRegistry(f.clock),
            f.clock,
            new ManagerSettings(Duration.ofMillis(10), Duration.ofDays(1), 10, 1 << 20));
    List<Job> jobs = new ArrayList<>();
    String at = Timestamps.format(f.clock.instant().plusSeconds(60));
    for (int i = 0; i < 1000; i++) {
      jobs.add(job("jid-" + (100000 + i), "T", "q" + (i % 3)));
    }
    jobs.add(job("{\"jid\":\"scheduled1\",\"jobtype\":\"T\",\"args\":[],\"at\":\"" + at + "\"}"));
    assertThat(m.pushBulk(jobs)).isEmpty();
    assertThat(writes).as("one atomic write: a crash cannot keep part of the batch").hasValue(1);
    assertThat(counting.queueSizes()).containsEntry("q0", 334L).containsEntry("q2", 333L);
    assertThat(counting.setSize(SetName.SCHEDULED)).isEqualTo(1);
  }

  @Test
  void pushBulkKeepsCodesOfCodedErrors() {
    f.manager.use(
        new JobMiddleware() {
          @Override
          public void beforePush(Job job) {
            if (job.jobtype().equals("Dup")) {
              throw new CommandException("NOTUNIQUE", "Job not unique");
            }
          }
        });
    var errors =
        f.manager.pushBulk(
            List.of(job("abcdefgh", "Dup", "default"), job("abcdefgi", "T", "default")));
    assertThat(errors).containsExactly(Map.entry("abcdefgh", "NOTUNIQUE Job not unique"));
    assertThat(f.size("default")).isEqualTo(1);
  }

  /** Counts the calls that store jobs: enqueue, push, addToSet and addAllToSet. */
  static Store countingWrites(Store delegate, AtomicInteger writes) {
    return (Store)
        Proxy.newProxyInstance(
            Store.class.getClassLoader(),
            new Class<?>[] {Store.class},
            (proxy, method, args) -> {
              if (Set.of("enqueue", "push", "addToSet", "addAllToSet").contains(method.getName())) {
                writes.incrementAndGet();
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
