package dev.fabrik.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job payload. Fields are the ones Faktory defines; anything else a client sent at the top level
 * (Node and Python send {@code priority}) is kept in {@link #extra} and written back unchanged, and
 * {@code args}/{@code custom} are kept as JSON trees so big integers and decimals survive exactly.
 *
 * <p>Wire form (compact, as FETCH returns it):
 *
 * <pre>
 * {"jid":"YdJ3kPqZr1x0AbCd","jobtype":"SendEmail","args":[42,"x"],"queue":"default","retry":25,
 *  "created_at":"2026-06-30T17:00:00.5Z","enqueued_at":"2026-06-30T17:00:00.500812Z"}
 * </pre>
 *
 * Optional fields are null when absent. Use {@link JobCodec} to read and write the wire form.
 */
public record Job(
    String jid,
    String jobtype,
    JsonNode args,
    String queue,
    Integer retry,
    Integer reserveFor,
    String at,
    String createdAt,
    String enqueuedAt,
    Integer backtrace,
    ObjectNode custom,
    Failure failure,
    Map<String, JsonNode> extra) {

  public Job {
    // Insertion order, so unknown keys are written back where the client put them (Map.copyOf
    // would reorder them from one copy to the next).
    extra =
        extra == null || extra.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  public Job withQueue(String value) {
    return new Job(
        jid,
        jobtype,
        args,
        value,
        retry,
        reserveFor,
        at,
        createdAt,
        enqueuedAt,
        backtrace,
        custom,
        failure,
        extra);
  }

  public Job withRetry(Integer value) {
    return new Job(
        jid,
        jobtype,
        args,
        queue,
        value,
        reserveFor,
        at,
        createdAt,
        enqueuedAt,
        backtrace,
        custom,
        failure,
        extra);
  }

  public Job withCreatedAt(String value) {
    return new Job(
        jid,
        jobtype,
        args,
        queue,
        retry,
        reserveFor,
        at,
        value,
        enqueuedAt,
        backtrace,
        custom,
        failure,
        extra);
  }

  public Job withEnqueuedAt(String value) {
    return new Job(
        jid,
        jobtype,
        args,
        queue,
        retry,
        reserveFor,
        at,
        createdAt,
        value,
        backtrace,
        custom,
        failure,
        extra);
  }

  public Job withFailure(Failure value) {
    return new Job(
        jid,
        jobtype,
        args,
        queue,
        retry,
        reserveFor,
        at,
        createdAt,
        enqueuedAt,
        backtrace,
        custom,
        value,
        extra);
  }
}
