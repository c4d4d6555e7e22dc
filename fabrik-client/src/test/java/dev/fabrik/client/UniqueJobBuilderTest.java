package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.JobCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UniqueJobBuilderTest {

  @Test
  void uniqueForSendsWholeSecondsAsAnIntegerAndFractionsAsADecimal() {
    assertThat(JobCodec.encodeToString(Jobs.builder("T").uniqueFor(Duration.ofMinutes(2)).build()))
        .contains("\"custom\":{\"unique_for\":120}");
    assertThat(
            JobCodec.encodeToString(Jobs.builder("T").uniqueFor(Duration.ofMillis(1500)).build()))
        .contains("\"custom\":{\"unique_for\":1.5}");
  }

  @Test
  void uniqueUntilSendsTheWireName() {
    String json =
        JobCodec.encodeToString(
            Jobs.builder("T")
                .uniqueFor(Duration.ofSeconds(30))
                .uniqueUntil(UniqueUntil.START)
                .custom("other", 1)
                .build());
    assertThat(json)
        .contains("\"custom\":{\"unique_for\":30,\"unique_until\":\"start\",\"other\":1}");
  }

  @Test
  void aWindowMustBePositive() {
    assertThatThrownBy(() -> Jobs.builder("T").uniqueFor(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Jobs.builder("T").uniqueFor(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void notUniqueIsAServerErrorWithItsCode() {
    NotUniqueException e = new NotUniqueException("Job not unique");
    assertThat(e).isInstanceOf(ServerErrorException.class).hasMessage("NOTUNIQUE Job not unique");
    assertThat(e.code()).isEqualTo("NOTUNIQUE");
  }
}
