package dev.fabrik.server.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.storage.FailureDecision;
import dev.fabrik.server.triage.Fingerprint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2026-06-30T17:00:00Z");
  private static final FailureReports.Sanitized BOOM =
      new FailureReports.Sanitized("RuntimeError", "boom", List.of("a.rb:1"));

  /** The table of spec §6.5: R = 0 gives the minimum, R = 29 the maximum. */
  @ParameterizedTest(name = "retry_count {0}: {1}..{2} s")
  @CsvSource({
    "0, 15, 44",
    "1, 16, 74",
    "2, 31, 118",
    "5, 640, 814",
    "10, 10015, 10334",
    "20, 160015, 160624",
    "24, 331791, 332516"
  })
  void backoffCurve(int retryCount, long min, long max) {
    assertThat(policy(0).backoffSeconds(retryCount)).isEqualTo(min);
    assertThat(policy(29).backoffSeconds(retryCount)).isEqualTo(max);
  }

  @Test
  void defaultRetriesAddUpToAboutThreeWeeks() {
    long min = 0;
    long max = 0;
    for (int n = 0; n < 25; n++) {
      min += policy(0).backoffSeconds(n);
      max += policy(29).backoffSeconds(n);
    }
    assertThat(Duration.ofSeconds(min).toDays()).isEqualTo(20);
    assertThat(Duration.ofSeconds(max).toDays()).isEqualTo(20);
  }

  @Test
  void hugeRetryCountsDoNotOverflow() {
    assertThat(policy(29).backoffSeconds(Integer.MAX_VALUE)).isPositive();
  }

  @Test
  void firstFailureAddsFailureAndSchedulesRetry() {
    Job job = Fixture.job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":3}");
    var outcome = policy(0).decide(job, BOOM, NOW);
    assertThat(outcome).isInstanceOf(FailureDecision.Retry.class);
    var retry = (FailureDecision.Retry) outcome;
    assertThat(retry.at()).isEqualTo(NOW.plusSeconds(15));
    var f = JobCodec.decode(retry.payload()).failure();
    assertThat(f.retryCount()).isZero();
    assertThat(f.remaining()).isEqualTo(3);
    assertThat(f.failedAt()).isEqualTo("2026-06-30T17:00:00Z");
    assertThat(f.nextAt()).isEqualTo("2026-06-30T17:00:15Z");
    assertThat(f.errtype()).isEqualTo("RuntimeError");
    assertThat(f.message()).isEqualTo("boom");
    assertThat(f.backtrace()).containsExactly("a.rb:1");
    assertThat(f.fingerprint())
        .isEqualTo(Fingerprint.of("RuntimeError", "boom", List.of("a.rb:1")).hash());
  }

  @Test
  void retryNRunsAtMostNPlusOneTimes() {
    for (int n = 1; n <= 5; n++) {
      Job job =
          Fixture.job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":" + n + "}");
      int runs = 1;
      FailureDecision.Outcome o = policy(0).decide(job, BOOM, NOW);
      while (o instanceof FailureDecision.Retry r) {
        runs++;
        o = policy(0).decide(JobCodec.decode(r.payload()), BOOM, NOW);
      }
      assertThat(o).isInstanceOf(FailureDecision.Dead.class);
      assertThat(runs).as("retry %d", n).isEqualTo(n + 1);
    }
  }

  @Test
  void retryMinusOneDiesAtOnceAndZeroIsDiscarded() {
    Job dies = Fixture.job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":-1}");
    var dead = policy(0).decide(dies, BOOM, NOW);
    assertThat(dead).isInstanceOf(FailureDecision.Dead.class);
    assertThat(((FailureDecision.Dead) dead).expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(180)));
    assertThat(JobCodec.decode(((FailureDecision.Dead) dead).payload()).failure().nextAt())
        .isNull();

    Job discarded = Fixture.job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[],\"retry\":0}");
    assertThat(policy(0).decide(discarded, BOOM, NOW)).isInstanceOf(FailureDecision.Discard.class);
  }

  @Test
  void absentRetryMeansTwentyFive() {
    Job job = Fixture.job("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\",\"args\":[]}");
    var r = (FailureDecision.Retry) policy(0).decide(job, BOOM, NOW);
    assertThat(JobCodec.decode(r.payload()).failure().remaining()).isEqualTo(25);
  }

  /** Only a discarded batch or workflow job asks the store for a fate row (JobFates). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"jid\":\"j1\",\"jobtype\":\"T\",\"args\":[],\"retry\":0} | false",
        "{\"jid\":\"j1\",\"jobtype\":\"T\",\"args\":[],\"retry\":0,\"custom\":{\"bid\":\"b-1\"}} | true",
        "{\"jid\":\"j1\",\"jobtype\":\"T\",\"args\":[],\"retry\":0,\"custom\":{\"after\":[\"a\"]}} | true",
        "{\"jid\":\"j1\",\"jobtype\":\"T\",\"args\":[],\"custom\":{\"bid\":\"b-1\"}} | false"
      })
  void aDiscardOfABatchOrWorkflowJobCarriesItsFateTime(String json, boolean recorded) {
    byte[] payload = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var r = new dev.fabrik.server.storage.Reservation("j1", "default", payload, "w", NOW, NOW);
    var outcome = policy(0).decision(BOOM, NOW).decide(r);
    if (recorded) {
      assertThat(outcome).isEqualTo(new FailureDecision.Discard(NOW));
    } else {
      assertThat(outcome)
          .satisfiesAnyOf(
              o -> assertThat(o).isEqualTo(new FailureDecision.Discard()),
              o -> assertThat(o).isInstanceOf(FailureDecision.Retry.class));
    }
  }

  private static RetryPolicy policy(int jitter) {
    return new RetryPolicy(Fixture.fixedRandom(jitter), Duration.ofDays(180));
  }
}
