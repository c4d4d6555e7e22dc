package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

/** Seeds in src/test/resources/dev/fabrik/protocol/JobCodecFuzzTestInputs/&lt;method&gt;. */
class JobCodecFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodeBytes(@NotNull byte[] input) {
    Job job;
    try {
      job = JobCodec.decode(input);
    } catch (JobFormatException e) {
      return; // the only failure allowed
    }
    assertFixedPoint(job);
  }

  @FuzzTest(maxDuration = "30s")
  void decodeString(@NotNull String input) {
    Job job;
    try {
      job = JobCodec.decode(input);
    } catch (JobFormatException e) {
      return;
    }
    assertFixedPoint(job);
  }

  private static void assertFixedPoint(Job job) {
    byte[] once = JobCodec.encode(job);
    byte[] twice = JobCodec.encode(JobCodec.decode(once));
    assertThat(new String(twice, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(new String(once, java.nio.charset.StandardCharsets.UTF_8));
  }
}
