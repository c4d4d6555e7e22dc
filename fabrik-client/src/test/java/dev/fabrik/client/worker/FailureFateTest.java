package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.JobCodec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureFateTest {

  private static FailureFate fate(String extra) {
    return FailureFate.of(JobCodec.decode("{\"jid\":\"abcdefgh\",\"jobtype\":\"T\"" + extra + "}"));
  }

  @Test
  void followsTheServersRetryRule() {
    assertThat(fate("")).isEqualTo(FailureFate.RETRY);
    assertThat(fate(",\"retry\":0")).isEqualTo(FailureFate.DISCARD);
    assertThat(fate(",\"retry\":-1")).isEqualTo(FailureFate.DEAD);
    assertThat(fate(",\"retry\":1")).isEqualTo(FailureFate.RETRY);
    assertThat(fate(",\"retry\":1,\"failure\":{\"retry_count\":0}")).isEqualTo(FailureFate.DEAD);
    assertThat(fate(",\"retry\":3,\"failure\":{\"retry_count\":1}")).isEqualTo(FailureFate.RETRY);
    assertThat(fate(",\"failure\":{\"retry_count\":24}")).isEqualTo(FailureFate.DEAD);
    assertThat(FailureFate.RETRY.willRetry()).isTrue();
    assertThat(FailureFate.DEAD.willDie()).isTrue();
    assertThat(FailureFate.DISCARD.willRetry() || FailureFate.DISCARD.willDie()).isFalse();
  }

  @Test
  void snoozeDelaysAreBounded() {
    assertThat(new SnoozeException(Duration.ofSeconds(30)).delay()).hasSeconds(30);
    assertThatThrownBy(() -> new SnoozeException(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SnoozeException(Duration.ofDays(366)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
