package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobBuilderTest {

  @Test
  void ofMakesAMinimalJobWithAFreshJid() {
    Job a = Jobs.of("SendEmail", 42, "x", null, List.of(1, 2));
    Job b = Jobs.of("SendEmail");
    assertThat(a.jobtype()).isEqualTo("SendEmail");
    assertThat(a.args().toString()).isEqualTo("[42,\"x\",null,[1,2]]");
    assertThat(b.args().toString()).isEqualTo("[]");
    assertThat(a.jid()).matches("[0-9a-f]{24}").isNotEqualTo(b.jid());
    // Unset fields stay off the wire so the server applies its defaults.
    assertThat(JobCodec.encodeToString(b)).doesNotContain("queue", "retry", "at");
  }

  @Test
  void builderSetsEveryField() {
    Clock clock = Clock.fixed(Instant.parse("2026-06-30T17:00:00Z"), ZoneOffset.UTC);
    Job job =
        Jobs.builder("Report")
            .jid("jid-12345")
            .args("daily")
            .queue("low")
            .retry(3)
            .reserveFor(Duration.ofMinutes(10))
            .backtrace(5)
            .clock(clock)
            .in(Duration.ofMinutes(5))
            .custom("tenant", 7)
            .custom(Map.of("trace", "abc"))
            .build();
    assertThat(job.jid()).isEqualTo("jid-12345");
    assertThat(job.queue()).isEqualTo("low");
    assertThat(job.retry()).isEqualTo(3);
    assertThat(job.reserveFor()).isEqualTo(600);
    assertThat(job.backtrace()).isEqualTo(5);
    assertThat(Instant.parse(job.at())).isEqualTo(Instant.parse("2026-06-30T17:05:00Z"));
    assertThat(job.custom().path("tenant").asInt()).isEqualTo(7);
    assertThat(job.custom().path("trace").asString()).isEqualTo("abc");
  }

  @Test
  void atIsAnAbsoluteTime() {
    Job job = Jobs.builder("T").at(Instant.parse("2030-01-01T00:00:00Z")).build();
    assertThat(Instant.parse(job.at())).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Test
  void builtJobsDoNotShareMutableState() {
    JobBuilder builder = Jobs.builder("T").custom("k", 1);
    Job first = builder.build();
    builder.custom("k", 2);
    assertThat(first.custom().path("k").asInt()).isEqualTo(1);
  }

  @Test
  void typeIsRequired() {
    assertThatThrownBy(() -> Jobs.of(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mutateJson() {
    assertThat(
            MutateCommand.kill(
                    MutateCommand.Target.RETRIES, MutateCommand.Filter.jids("a1234567", "b1234567"))
                .toJson())
        .isEqualTo(
            "{\"cmd\":\"kill\",\"target\":\"retries\",\"filter\":{\"jids\":[\"a1234567\",\"b1234567\"]}}");
    assertThat(
            MutateCommand.requeue(MutateCommand.Target.SCHEDULED, MutateCommand.Filter.all())
                .toJson())
        .isEqualTo("{\"cmd\":\"requeue\",\"target\":\"scheduled\",\"filter\":{}}");
    assertThat(
            MutateCommand.discard(
                    MutateCommand.Target.DEAD,
                    new MutateCommand.Filter(List.of(), "*customer:42*", "Report"))
                .toJson())
        .isEqualTo(
            "{\"cmd\":\"discard\",\"target\":\"dead\","
                + "\"filter\":{\"regexp\":\"*customer:42*\",\"jobtype\":\"Report\"}}");
  }
}
