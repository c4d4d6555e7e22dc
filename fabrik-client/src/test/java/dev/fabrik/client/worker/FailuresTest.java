package dev.fabrik.client.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void backtraceListsFramesThenCauses() {
    Exception e = new IllegalStateException("boom", new IOException("disk"));

    assertThat(Failures.backtrace(e))
        .first()
        .asString()
        .contains("FailuresTest.backtraceListsFramesThenCauses");
    assertThat(Failures.backtrace(e)).contains("Caused by: java.io.IOException: disk");
    assertThat(Failures.backtrace(e)).hasSizeLessThanOrEqualTo(Failures.MAX_BACKTRACE);
  }

  @Test
  void messageFallsBackToSimpleName() {
    assertThat(Failures.message(new NullPointerException())).isEqualTo("NullPointerException");
    assertThat(Failures.message(new RuntimeException("x"))).isEqualTo("x");
  }
}
