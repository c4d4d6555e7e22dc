package dev.fabrik.server.priority;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.CommandException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;

/**
 * The PUSH rule for a job's {@code priority}: an integer, kept as sent when it is 1..9, clamped
 * into 1..9 otherwise ({@code 0} → 1, {@code 12} → 9); absent or null means 5. Anything else is
 * refused, and PUSH answers (PUSHB lists it under the job's jid):
 *
 * <pre>
 * -ERR invalid priority "high": it must be an integer from 1 to 9
 * </pre>
 *
 * A whole-number float ({@code 7.0}) counts as the integer; {@code 7.5}, {@code true} and strings
 * do not. Faktory 1.x drops unknown top-level keys; Fabrik keeps this one because clients send it.
 */
public final class PriorityField {

  private PriorityField() {}

  /**
   * The job with its priority checked: the same job when it names none or a valid integer, else a
   * copy whose priority is the clamped integer.
   *
   * @throws CommandException ERR when the priority is not an integer
   */
  public static Job check(Job job) {
    JsonNode value = job.extra().get(Priority.FIELD);
    if (value == null || value.isNull()) {
      return job;
    }
    if (value.isIntegralNumber() && value.canConvertToInt() && Priority.isValid(value.intValue())) {
      return job;
    }
    return withPriority(job, Priority.clamp(integer(value)));
  }

  /** The priority of a job that passed {@link #check}: its field, or 5 when it names none. */
  public static int of(Job job) {
    JsonNode value = job.extra().get(Priority.FIELD);
    return value == null || !value.isNumber() ? Priority.DEFAULT : Priority.clamp(value.asLong());
  }

  private static long integer(JsonNode value) {
    if (value.isNumber()) {
      BigDecimal d = value.decimalValue();
      if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) {
        // Beyond a long it is clamped anyway: only its sign matters.
        return d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0
            ? Long.MAX_VALUE
            : d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : d.longValue();
      }
    }
    throw CommandException.err(
        "invalid priority "
            + CommandException.excerpt(value.toString())
            + ": it must be an integer from "
            + Priority.MIN
            + " to "
            + Priority.MAX);
  }

  private static Job withPriority(Job job, int priority) {
    Map<String, JsonNode> extra = new LinkedHashMap<>(job.extra());
    extra.put(Priority.FIELD, IntNode.valueOf(priority));
    return new Job(
        job.jid(),
        job.jobtype(),
        job.args(),
        job.queue(),
        job.retry(),
        job.reserveFor(),
        job.at(),
        job.createdAt(),
        job.enqueuedAt(),
        job.backtrace(),
        job.custom(),
        job.failure(),
        extra);
  }
}
