package dev.fabrik.server.expiry;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A job's expiry as it travels in {@code custom} (spec §8.2):
 *
 * <pre>
 * "custom":{"expires_at":"2026-12-05T19:00:00Z"}   an RFC 3339 instant
 * "custom":{"expires_in":60}                       seconds after the PUSH (integer or decimal)
 * </pre>
 *
 * At PUSH {@code expires_in} becomes an absolute {@code expires_at} (the earlier one wins when both
 * are sent), so a restart, a retry or a long stay in the scheduled set never extends it; from then
 * on only {@code expires_at} counts. {@code expires_in} is left in place for the worker to read.
 */
final class ExpiryTime {
  static final String EXPIRES_AT = "expires_at";
  static final String EXPIRES_IN = "expires_in";

  /** About a hundred years: a longer expiry is a client bug (or seconds sent as milliseconds). */
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(3_155_760_000L);

  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

  private ExpiryTime() {}

  /**
   * Checks the expiry keys of a job being pushed and writes the absolute {@code expires_at} into
   * its {@code custom} (the job is stored after the push hooks ran, with this change).
   *
   * @return the expiry, or null when the job has none
   * @throws CommandException {@code -ERR} naming the key, for a value that is not a timestamp or
   *     not a finite, non-negative number of seconds
   */
  static Instant stamp(Job job, Instant now) {
    ObjectNode custom = job.custom();
    if (custom == null) {
      return null;
    }
    Instant at = parseAt(custom.get(EXPIRES_AT));
    Instant in = parseIn(custom.get(EXPIRES_IN), now);
    if (in != null && (at == null || in.isBefore(at))) {
      custom.put(EXPIRES_AT, Timestamps.format(in));
      return in;
    }
    return at;
  }

  /**
   * The {@code expires_at} of a stored job, or null when it has none or it cannot be read (a job
   * stored before the key was checked is better run than lost).
   */
  static Instant of(Job job) {
    ObjectNode custom = job.custom();
    if (custom == null) {
      return null;
    }
    JsonNode at = custom.get(EXPIRES_AT);
    if (at == null || !at.isString()) {
      return null;
    }
    try {
      return Timestamps.parse(at.asString());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Instant parseAt(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw CommandException.err(
          "custom.expires_at must be an RFC 3339 timestamp string, not " + excerpt(node));
    }
    try {
      return Timestamps.parse(node.asString());
    } catch (DateTimeParseException e) {
      throw CommandException.err(
          "invalid timestamp for 'expires_at': \""
              + CommandException.excerpt(node.asString())
              + "\": cannot parse it at index "
              + e.getErrorIndex());
    }
  }

  private static Instant parseIn(JsonNode node, Instant now) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw CommandException.err(
          "custom.expires_in must be a number of seconds, not " + excerpt(node));
    }
    if (node.isFloatingPointNumber() && !Double.isFinite(node.asDouble())) {
      throw CommandException.err("custom.expires_in must be a finite number of seconds");
    }
    BigDecimal seconds = node.decimalValue();
    if (seconds.signum() < 0) {
      throw CommandException.err("custom.expires_in must not be negative, got " + excerpt(node));
    }
    if (seconds.compareTo(MAX_SECONDS) > 0) {
      throw CommandException.err(
          "custom.expires_in must be at most " + MAX_SECONDS + " seconds, got " + excerpt(node));
    }
    long nanos = seconds.multiply(NANOS_PER_SECOND).longValue();
    return now.plusNanos(nanos);
  }

  private static String excerpt(JsonNode node) {
    return CommandException.excerpt(node.toString());
  }
}
