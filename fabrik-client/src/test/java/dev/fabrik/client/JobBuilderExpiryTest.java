package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobBuilderExpiryTest {

  @Test
  void expiresAtWritesAnRfc3339Timestamp() {
    Job job = Jobs.builder("Report").expiresAt(Instant.parse("2026-06-30T17:00:00.250Z")).build();
    assertThat(job.custom().toString()).isEqualTo("{\"expires_at\":\"2026-06-30T17:00:00.25Z\"}");
  }

  @Test
  void expiresInWritesSecondsWholeOrFractional() {
    assertThat(Jobs.builder("R").expiresIn(Duration.ofMinutes(1)).build().custom().toString())
        .isEqualTo("{\"expires_in\":60}");
    assertThat(Jobs.builder("R").expiresIn(Duration.ofMillis(1500)).build().custom().toString())
        .isEqualTo("{\"expires_in\":1.5}");
  }

  @Test
  void theLastOfTheTwoWinsAndOtherCustomKeysStay() {
    Job job =
        Jobs.builder("R")
            .custom("track", 1)
            .expiresIn(Duration.ofSeconds(5))
            .expiresAt(Instant.parse("2026-06-30T17:00:00Z"))
            .build();
    assertThat(JobCodec.encodeToString(job))
        .contains("\"custom\":{\"track\":1,\"expires_at\":\"2026-06-30T17:00:00Z\"}");
    Job back = Jobs.builder("R").expiresAt(Instant.EPOCH).expiresIn(Duration.ofSeconds(5)).build();
    assertThat(back.custom().toString()).isEqualTo("{\"expires_in\":5}");
  }

  @Test
  void aNegativeTtlIsRefused() {
    assertThatThrownBy(() -> Jobs.builder("R").expiresIn(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }
}
