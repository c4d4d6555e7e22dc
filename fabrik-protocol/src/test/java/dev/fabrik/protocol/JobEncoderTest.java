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

  /** Values repeated from job to job are copied from a cache: it must not change a byte. */
  @Test
  void repeatedAndChangingValuesGiveTheSameBytes() {
    String[] values = {"T", "T", "a/b", "a/b", "ü", "ü", "q\\\"", "2026-06-30T17:00:00Z", "T"};
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      body.append(i == 0 ? "" : ",")
          .append("{\"jid\":\"jid-0000")
          .append(i)
          .append("\",\"jobtype\":\"")
          .append(v)
          .append("\",\"args\":[],\"queue\":\"")
          .append(v)
          .append("\",\"at\":\"")
          .append(v)
          .append("\",\"created_at\":\"")
          .append(v)
          .append("\",\"enqueued_at\":\"")
          .append(values[values.length - 1 - i])
          .append("\"}");
    }
    List<Job> jobs = JobCodec.decodeArray(body.append(']').toString());
    try (JobEncoder encoder = new JobEncoder()) {
      for (Job job : jobs) {
        assertThat(new String(encoder.encode(job), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo(JobCodec.encodeToString(job))
            .contains(
                "\"queue\":\"" + JobCodec.MAPPER.writeValueAsString(job.queue()).substring(1));
      }
    }
  }
}
