package dev.fabrik.server.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobDetailTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesEveryFieldThePageShows() {
    JobDetail d =
        JobDetail.of(
            "j1",
            "q",
            bytes(
                "{\"jid\":\"j1\",\"jobtype\":\"T\",\"args\":[{\"a\":1.10}],\"queue\":\"q\","
                    + "\"retry\":3,\"reserve_for\":60,\"at\":\"2026-07-01T00:00:00Z\","
                    + "\"created_at\":\"2026-06-30T00:00:00Z\",\"custom\":{\"k\":\"v\"},"
                    + "\"failure\":{\"retry_count\":1,\"remaining\":2,\"failed_at\":"
                    + "\"2026-06-30T00:00:01Z\",\"message\":\"boom\",\"errtype\":\"E\"}}"));
    assertThat(d.args()).hasToString("[{\"a\":1.10}]");
    assertThat(d.at()).isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));
    assertThat(d.enqueuedAt()).isNull();
    assertThat(d.retry()).isEqualTo(3);
    assertThat(d.reserveFor()).isEqualTo(60);
    assertThat(d.failure().message()).isEqualTo("boom");
    JobSummary s = d.summary();
    assertThat(s.retryCount()).isEqualTo(1);
    assertThat(s.errorType()).isEqualTo("E");
    assertThat(s.argsText(5)).isEqualTo("[{\"a…");
  }

  @Test
  void anUnreadablePayloadStillShowsItsBytes() {
    JobDetail d = JobDetail.of("j9", "q", bytes("{not json"));
    assertThat(d.jid()).isEqualTo("j9");
    assertThat(d.queue()).isEqualTo("q");
    assertThat(d.jobtype()).isNull();
    assertThat(d.payload()).isEqualTo("{not json");
    assertThat(d.summary().retryCount()).isEqualTo(-1);
    assertThat(d.summary().argsText(10)).isEmpty();
  }
}
