package dev.fabrik.server.manager;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.priority.PriorityField;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * PUSH validation and defaults (spec §3.3), first failure wins, with the reference's texts. The jid
 * refusal keeps the reference's words as its prefix (clients match on them) and appends the rule,
 * which the reference leaves the user to guess:
 *
 * <pre>
 * -ERR jobs must have a reasonable jid parameter: at least 8 characters, got 5 ("short")
 * -ERR jobs must have a jobtype parameter
 * -ERR jobs must have an args parameter
 * -ERR jobs cannot be reserved for more than one day
 * -ERR invalid timestamp for 'at': "tomorrow": Text 'tomorrow' could not be parsed at index 0
 * -ERR cannot get "c&amp;c" queue: queue names must match \A[a-zA-Z0-9._-]+\z
 * -ERR invalid priority "high": it must be an integer from 1 to 9
 * </pre>
 */
final class JobValidator {
  static final int DEFAULT_RETRY = 25;
  static final String DEFAULT_QUEUE = "default";
  static final int MAX_RESERVE_SECONDS = 86_400;
  private static final int MIN_JID_LENGTH = 8;

  private JobValidator() {}

  /** The reference's text, then the rule and what was sent (a null jid is "missing"). */
  static String shortJid(String jid) {
    String got =
        jid == null
            ? "it is missing"
            : "got " + jid.length() + " (\"" + CommandException.excerpt(jid) + "\")";
    return "jobs must have a reasonable jid parameter: at least "
        + MIN_JID_LENGTH
        + " characters, "
        + got;
  }

  /** A job that passed validation with its defaults filled, and its {@code at} if it has one. */
  record Valid(Job job, Instant at) {
    /** True when the job goes to the scheduled set rather than its queue. */
    boolean scheduledAfter(Instant now) {
      return at != null && at.isAfter(now);
    }
  }

  /**
   * @param createdAt the {@code created_at} to fill in when the client sent none (PUSHB shares one)
   */
  static Valid validate(Job job, String createdAt) {
    if (job.jid() == null || job.jid().length() < MIN_JID_LENGTH) {
      throw CommandException.err(shortJid(job.jid()));
    }
    if (job.jobtype() == null || job.jobtype().isEmpty()) {
      throw CommandException.err("jobs must have a jobtype parameter");
    }
    if (job.args() == null || job.args().isNull()) {
      throw CommandException.err("jobs must have an args parameter");
    }
    if (job.reserveFor() != null && job.reserveFor() > MAX_RESERVE_SECONDS) {
      throw CommandException.err("jobs cannot be reserved for more than one day");
    }
    job = withDefaults(job, createdAt);
    Instant at = null;
    if (job.at() != null && !job.at().isEmpty()) {
      try {
        at = Timestamps.parse(job.at());
      } catch (DateTimeParseException e) {
        throw CommandException.err(
            "invalid timestamp for 'at': \""
                + CommandException.excerpt(job.at())
                + "\": cannot parse it at index "
                + e.getErrorIndex());
      }
    }
    // Checked here even for scheduled jobs: the reference only checks when the job is finally
    // enqueued, and then loses it with a log line.
    QueueNames.check(job.queue());
    job = PriorityField.check(job);
    return new Valid(job, at);
  }

  /**
   * The job with its retry, created_at and queue filled in when missing, in one copy (PUSHB makes
   * one per job, so three copies of every job's fields were measurable).
   */
  private static Job withDefaults(Job job, String createdAt) {
    boolean noRetry = job.retry() == null;
    boolean noCreatedAt = job.createdAt() == null || job.createdAt().isEmpty();
    boolean noQueue = job.queue() == null || job.queue().isEmpty();
    if (!noRetry && !noCreatedAt && !noQueue) {
      return job;
    }
    return new Job(
        job.jid(),
        job.jobtype(),
        job.args(),
        noQueue ? DEFAULT_QUEUE : job.queue(),
        noRetry ? Integer.valueOf(DEFAULT_RETRY) : job.retry(),
        job.reserveFor(),
        job.at(),
        noCreatedAt ? createdAt : job.createdAt(),
        job.enqueuedAt(),
        job.backtrace(),
        job.custom(),
        job.failure(),
        job.extra());
  }
}
