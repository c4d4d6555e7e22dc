package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One generator for many jobs must give each job the bytes of its own {@link JobCodec#encode}. */
class JobEncoderTest {
  @Test
  void eachJobGetsTheBytesOfItsOwnEncodeWithNothingBetweenThem() {
    List<Job> jobs =
        JobCodec.decodeArray(
            "[{\"jid\":\"jid-00001\",\"jobtype\":\"A\",\"args\":[1,\"ü\",{\"k\":null}],"
                + "\"queue\":\"q\",\"priority\":9,\"custom\":{\"unique_for\":60},\"x\":[true]},"
                + "{\"jid\":\"jid-00002\",\"jobtype\":\"B\",\"args\":[],\"at\":\"2030-01-01T00:00:00Z\"},"
                + "{\"jid\":\"jid-00003\",\"jobtype\":\"C\",\"args\":[1.10],\"retry\":-1}]");
    try (JobEncoder encoder = new JobEncoder()) {
      for (Job job : jobs) {
        assertThat(new String(encoder.encode(job), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo(JobCodec.encodeToString(job));
      }
    }
  }
}
