package dev.fabrik.server.web.console;

import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.priority.Priority;
import dev.fabrik.server.priority.PriorityField;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything a job's page shows, parsed from its stored payload. When the payload cannot be read
 * only {@code jid}, {@code queue} and {@code payload} are set (an operator still sees the bytes).
 *
 * @param failure the last failure (message, errtype, backtrace, retry count), null if none
 * @param payload the stored JSON as it is
 * @param priority the job's priority within its queue (1..9, 5 when it names none)
 */
public record JobDetail(
    String jid,
    String jobtype,
    String queue,
    JsonNode args,
    ObjectNode custom,
    Instant createdAt,
    Instant enqueuedAt,
    Instant at,
    Integer retry,
    Integer reserveFor,
    Failure failure,
    String payload,
    int priority) {

  /** Parses a stored payload; {@code jid}/{@code queue} are what the store filed it under. */
  public static JobDetail of(String jid, String queue, byte[] payload) {
    String raw = new String(payload, StandardCharsets.UTF_8);
    Job job;
    try {
      job = JobCodec.decode(payload);
    } catch (RuntimeException e) {
      return new JobDetail(
          jid, null, queue, null, null, null, null, null, null, null, null, raw, Priority.DEFAULT);
    }
    return new JobDetail(
        job.jid() == null ? jid : job.jid(),
        job.jobtype(),
        job.queue() == null ? queue : job.queue(),
        job.args(),
        job.custom(),
        instant(job.createdAt()),
        instant(job.enqueuedAt()),
        instant(job.at()),
        job.retry(),
        job.reserveFor(),
        job.failure(),
        raw,
        PriorityField.of(job));
  }

  /** The row form of the same job. */
  public JobSummary summary() {
    return new JobSummary(
        jid,
        jobtype,
        queue,
        args,
        createdAt,
        enqueuedAt,
        at,
        failure == null ? -1 : failure.retryCount(),
        failure == null ? null : failure.errtype(),
        failure == null ? null : failure.message(),
        priority);
  }

  static Instant instant(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return Timestamps.parse(timestamp);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
