package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.CommandException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two ways a FAIL asks for a snooze (docs/snooze.md):
 *
 * <pre>
 * FAIL {"jid":"...","errtype":"Snooze","message":"snooze 30"}      message form, any client
 * FAIL {"jid":"...","snooze":30}                                 field form, seconds
 * </pre>
 *
 * The message form is {@code snooze <n>} with an optional unit {@code s}, {@code m} or {@code h}
 * (case-insensitive, n a whole number). A message is free text that every client already sends, so
 * one that merely looks like a snooze but is out of range ({@code snooze 0}, more than a year)
 * stays an ordinary failure: nothing a worker reports is refused or lost. The field is deliberate,
 * so a bad one ({@code 0}, negative, not a number, more than a year) is refused with {@code -ERR}
 * and the reservation is kept.
 */
final class Snoozes {
  /** The longest snooze: a year, like the longest sensible schedule. */
  static final Duration MAX = Duration.ofDays(365);

  /** The {@code custom} key counting a job's snoozes, for operators and handlers. */
  static final String COUNT_KEY = "snoozes";

  private static final Pattern MESSAGE =
      Pattern.compile("snooze\\s+(\\d{1,12})\\s*([smh]?)", Pattern.CASE_INSENSITIVE);

  private Snoozes() {}

  /**
   * The delay {@code report} asks for, or empty for an ordinary failure.
   *
   * @throws CommandException the {@code snooze} field is present but not a delay we accept
   */
  static Optional<Duration> requested(FailureReport report) {
    if (report.snoozeSeconds() != null) {
      return Optional.of(fromField(report.snoozeSeconds()));
    }
    return fromMessage(report.message());
  }

  static Duration fromField(double seconds) {
    if (!(seconds > 0) || seconds > MAX.toSeconds()) {
      throw CommandException.err(
          "snooze must be a number of seconds above 0 and at most " + MAX.toSeconds());
    }
    Duration d = Duration.ofMillis(Math.round(seconds * 1000));
    return d.isZero() ? Duration.ofMillis(1) : d;
  }

  static Optional<Duration> fromMessage(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher m = MESSAGE.matcher(message.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "m" -> Duration.ofMinutes(Math.min(n, MAX.toMinutes() + 1));
          case "h" -> Duration.ofHours(Math.min(n, MAX.toHours() + 1));
          default -> Duration.ofSeconds(n);
        };
    if (d.isZero() || d.compareTo(MAX) > 0) {
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /** The job as it waits in the scheduled set: {@code custom.snoozes} one higher, all else kept. */
  static byte[] counted(byte[] payload) {
    Job job = JobCodec.decode(payload);
    ObjectNode custom =
        job.custom() == null ? JsonNodeFactory.instance.objectNode() : job.custom().deepCopy();
    JsonNode before = custom.get(COUNT_KEY);
    long count =
        before != null && before.isIntegralNumber() && before.canConvertToLong()
            ? before.longValue()
            : 0;
    custom.put(COUNT_KEY, count + 1);
    return JobCodec.encode(
        new Job(
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
            custom,
            job.failure(),
            job.extra()));
  }
}
