package dev.fabrik.server.manager;

import static dev.fabrik.server.manager.Fixture.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.storage.Counters;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §3.6, §3.7, §6.3, §6.4; checklist 47–49, 52, 53. */
class ManagerFailureTest {
  private final Fixture f = new Fixture();

  private Job pushAndFetch(String json) throws InterruptedException {
    f.manager.push(job(json));
    return f.fetchJob("default");
  }

  private void fail(String jid, String message) {
    f.manager.fail(new FailureReport(jid, "RuntimeError", message, List.of("x.rb:" + message)));
  }

  @Test
  void retryOneRetriesThenDies() throws Exception {
    pushAndFetch("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":1}");
    fail("abcdefgh", "first");
    assertThat(f.size(SetName.RETRIES)).isEqualTo(1);
    assertThat(f.store.counters()).isEqualTo(new Counters(1, 1));
    f.clock.advance(Duration.ofMinutes(2));
    assertThat(f.manager.maintenance().enqueueRetries()).isEqualTo(1);
    assertThat(f.fetchJob("default").jid()).isEqualTo("abcdefgh");
    fail("abcdefgh", "second");
    assertThat(f.size(SetName.RETRIES)).isZero();
    assertThat(f.size(SetName.DEAD)).isEqualTo(1);
    assertThat(f.store.counters()).isEqualTo(new Counters(2, 2));
  }

  @Test
  void retryZeroVanishes() throws Exception {
    pushAndFetch("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":0}");
    fail("abcdefgh", "boom");
    assertThat(f.size(SetName.RETRIES)).isZero();
    assertThat(f.size(SetName.DEAD)).isZero();
    assertThat(f.store.counters()).isEqualTo(new Counters(1, 1));
  }

  @Test
  void failErrors() throws Exception {
    assertThatThrownBy(() -> f.manager.fail(new FailureReport("", "E", "m", null)))
        .isInstanceOf(CommandException.class)
        .hasMessage("missing JID");
    assertThatThrownBy(() -> f.manager.fail(new FailureReport("nosuchjob1", "E", "m", null)))
        .isInstanceOf(CommandException.class)
        .hasMessage("Job not found nosuchjob1");
    assertThat(f.store.counters()).isEqualTo(new Counters(0, 0));
  }

  @Test
  void failureObjectEvolvesOverSeveralFailures() throws Exception {
    Instant first = f.clock.instant();
    pushAndFetch("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":5}");
    for (int attempt = 0; attempt < 4; attempt++) {
      fail("abcdefgh", "m" + attempt);
      SetEntry entry = f.store.scan(SetName.RETRIES, null, 10).getFirst();
      Failure failure = JobCodec.decode(entry.payload()).failure();
      long backoff = (long) Math.pow(attempt, 4) + 15; // jitter pinned to 0
      assertThat(failure.retryCount()).isEqualTo(attempt);
      assertThat(failure.remaining()).isEqualTo(attempt == 0 ? 5 : 5 - attempt);
      assertThat(failure.failedAt()).isEqualTo(Timestamps.format(first));
      assertThat(failure.message()).isEqualTo("m" + attempt);
      assertThat(failure.backtrace()).containsExactly("x.rb:m" + attempt);
      assertThat(entry.score()).isEqualTo(f.clock.instant().plusSeconds(backoff));
      assertThat(failure.nextAt()).isEqualTo(Timestamps.format(entry.score()));
      f.clock.advance(Duration.ofSeconds(backoff));
      assertThat(f.manager.maintenance().enqueueRetries()).isEqualTo(1);
      Job again = f.fetchJob("default");
      assertThat(again.enqueuedAt()).isEqualTo(Timestamps.format(f.clock.instant()));
    }
  }

  @Test
  void revivedDeadJobGetsOneMoreAttempt() throws Exception {
    pushAndFetch("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":-1}");
    fail("abcdefgh", "dies");
    assertThat(f.size(SetName.DEAD)).isEqualTo(1);
    f.manager.sets().mutate(new MutateRequest("requeue", "dead", null));
    assertThat(f.fetchJob("default").failure().retryCount()).isZero();
    fail("abcdefgh", "dies again");
    assertThat(f.size(SetName.DEAD)).isEqualTo(1);
    assertThat(f.size(SetName.RETRIES)).isZero();

    f.manager.push(job("{\"jid\":\"abcdefgi\",\"jobtype\":\"T\",\"args\":[],\"retry\":1}"));
    f.fetchJob("default");
    fail("abcdefgi", "1");
    f.clock.advance(Duration.ofMinutes(1));
    f.manager.maintenance().enqueueRetries();
    f.fetchJob("default");
    fail("abcdefgi", "2");
    f.manager
        .sets()
        .mutate(
            new MutateRequest(
                "requeue", "dead", new MutateRequest.Filter(List.of("abcdefgi"), null, null)));
    Job revived = f.fetchJob("default");
    assertThat(revived.failure().retryCount()).isEqualTo(1);
    fail("abcdefgi", "3");
    assertThat(f.size(SetName.RETRIES)).isZero();
    assertThat(f.size(SetName.DEAD)).isEqualTo(2);
  }

  @Test
  void ackRemovesTheReservationOnce() throws Exception {
    f.manager.ack("");
    pushAndFetch("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[]}");
    f.manager.ack("abcdefgh");
    assertThat(f.store.workingSize()).isZero();
    assertThat(f.store.counters()).isEqualTo(new Counters(1, 0));
    f.manager.ack("abcdefgh");
    assertThat(f.store.counters()).isEqualTo(new Counters(1, 0));
  }

  @Test
  void expiredReservationIsFailedThroughTheRetryPath() throws Exception {
    pushAndFetch("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[]}");
    f.clock.advance(Duration.ofSeconds(10));
    assertThat(f.manager.maintenance().reapReservations()).isZero();
    assertThat(f.store.extendReservation("nosuchjob", f.clock.instant())).isFalse();
    Instant fetchedAt = f.clock.instant().minusSeconds(10);
    f.store.extendReservation("abcdefgh", fetchedAt.plus(Duration.ofHours(50)));
    f.clock.set(fetchedAt.plusSeconds(1810));
    assertThat(f.manager.maintenance().reapReservations()).isZero();
    f.clock.set(fetchedAt.plus(Duration.ofHours(51)));
    assertThat(f.manager.maintenance().reapReservations()).isEqualTo(1);
    assertThat(f.size(SetName.RETRIES)).isEqualTo(1);
    Failure failure =
        JobCodec.decode(f.store.scan(SetName.RETRIES, null, 1).getFirst().payload()).failure();
    assertThat(failure.errtype()).isEqualTo("ReservationExpired");
    assertThat(failure.message()).isEqualTo("Faktory job reservation expired");
    assertThat(f.store.counters()).isEqualTo(new Counters(1, 1));
    // the worker's late ACK is a no-op, its late FAIL an error
    f.manager.ack("abcdefgh");
    assertThatThrownBy(() -> fail("abcdefgh", "late")).hasMessage("Job not found abcdefgh");
    assertThat(f.manager.stats().tasks().get("Busy").enqueued()).isEqualTo(1);
  }

  @Test
  void expiredRetryZeroJobVanishes() throws Exception {
    pushAndFetch("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":0}");
    f.clock.advance(Duration.ofMinutes(31));
    assertThat(f.manager.maintenance().reapReservations()).isEqualTo(1);
    assertThat(f.size(SetName.RETRIES) + f.size(SetName.DEAD) + f.size("default")).isZero();
  }

  @Test
  void manyExpiredReservationsAreReapedInBatches() throws Exception {
    int n = Maintenance.BATCH + 5;
    for (int i = 0; i < n; i++) {
      f.manager.push(job("jid-" + (100000 + i), "T", "default"));
    }
    for (int i = 0; i < n; i++) {
      f.fetchJob("default");
    }
    f.clock.advance(Duration.ofHours(1));
    assertThat(f.manager.maintenance().reapReservations()).isEqualTo(n);
    assertThat(f.store.workingSize()).isZero();
  }
}
