package dev.fabrik.client.worker;

import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.Job;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What a handler knows about the job it performs, and what it may do besides: push follow-up jobs,
 * report progress, extend its reservation. One context per execution; safe to use from the
 * handler's thread.
 */
public final class JobContext {
  private static final System.Logger LOG = System.getLogger(JobContext.class.getName());

  /** The farthest ahead a reservation may be extended (the server refuses more). */
  public static final Duration MAX_RESERVATION = Duration.ofHours(24);

  private final Job job;
  private final Consumer<Job> pusher;
  private final Tracking tracking;
  private final Clock clock;

  private JobContext(Job job, Consumer<Job> pusher, Tracking tracking, Clock clock) {
    this.job = Objects.requireNonNull(job, "job");
    this.pusher = Objects.requireNonNull(pusher, "pusher");
    this.tracking = Objects.requireNonNull(tracking, "tracking");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A context for {@code job} whose {@link #push} hands jobs to {@code pusher}; progress and
   * reservation extensions go nowhere. The {@code InlineRunner} creates these; tests may too.
   */
  public static JobContext of(Job job, Consumer<Job> pusher) {
    return new JobContext(job, pusher, Tracking.NONE, Clock.systemUTC());
  }

  /**
   * A context whose {@link #progress} and {@link #extendReservation} go to {@code tracking} (the
   * worker sends them to the server), measuring time on {@code clock}.
   */
  public static JobContext of(Job job, Consumer<Job> pusher, Tracking tracking, Clock clock) {
    return new JobContext(job, pusher, tracking, clock);
  }

  /** Where a context sends what a handler reports about its job. */
  public interface Tracking {
    /** Discards everything (inline runs, tests). */
    Tracking NONE =
        new Tracking() {
          @Override
          public void progress(String jid, int percent, String description) {}

          @Override
          public void extendReservation(String jid, Instant until) {}
        };

    /** {@code TRACK SET} with percent and desc. */
    void progress(String jid, int percent, String description);

    /** {@code TRACK SET} with {@code reserve_until}; throws when the server refuses. */
    void extendReservation(String jid, Instant until);
  }

  /** The whole job as fetched, including {@code custom} and unknown top-level fields. */
  public Job job() {
    return job;
  }

  public String jid() {
    return job.jid();
  }

  public String type() {
    return job.jobtype();
  }

  public String queue() {
    return job.queue();
  }

  /** The {@code args} array; an empty array when the job had none. */
  public JsonNode args() {
    return job.args() != null ? job.args() : JsonNodeFactory.instance.arrayNode();
  }

  /**
   * 1 on the first run; after failures the server's {@code retry_count} is 0 on the first failure,
   * so a job that failed once runs again as attempt 2.
   */
  public int attempt() {
    return job.failure() == null ? 1 : job.failure().retryCount() + 2;
  }

  /** How many times the job failed before this run (0 on the first run). */
  public int retryCount() {
    return attempt() - 1;
  }

  /** The server's record of earlier failures, empty on the first run. */
  public Optional<Failure> failure() {
    return Optional.ofNullable(job.failure());
  }

  /** The message of the last failure, empty on the first run. */
  public Optional<String> failureMessage() {
    return failure().map(Failure::message);
  }

  /**
   * Pushes a follow-up job (through the worker's client pool, or into the inline runner's list in
   * tests). Connection and server errors propagate, failing this job unless the handler catches
   * them.
   */
  public void push(Job followUp) {
    pusher.accept(followUp);
  }

  /**
   * Reports progress to the server ({@code TRACK SET}): the web UI shows it as a bar on the Busy
   * page and the job's page, and {@code Client.trackStatus} reads it, for a job pushed with {@code
   * JobBuilder.tracked()}. Progress is advice: if it cannot be sent, that is logged and the job
   * goes on.
   *
   * @param percent 0 to 100
   * @param description short human-readable text, may be null
   */
  public void progress(int percent, String description) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be within 0..100: " + percent);
    }
    try {
      tracking.progress(job.jid(), percent, description);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "progress of job " + job.jid() + " not reported: " + e.getMessage());
    }
  }

  /**
   * Keeps the job reserved for {@code duration} from now ({@code TRACK SET reserve_until}), for a
   * job that will outlive its {@code reserve_for}; the worker's own deadline for the job moves with
   * it. A reservation never gets shorter: asking for less than is left changes nothing.
   *
   * @param duration positive, at most 24 hours
   * @throws IllegalArgumentException for a duration out of range
   * @throws RuntimeException what the server or the connection threw: the reservation was not
   *     extended
   */
  public void extendReservation(Duration duration) {
    if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_RESERVATION) > 0) {
      throw new IllegalArgumentException(
          "a reservation is extended by more than 0 and at most 24 hours: " + duration);
    }
    tracking.extendReservation(job.jid(), clock.instant().plus(duration));
  }

  /**
   * Ends this run without failing the job: the server runs it again after {@code delay}, with its
   * retry count untouched (docs/snooze.md). Never returns; call it as the handler's last word, e.g.
   * when a rate-limited API says "try later":
   *
   * <pre>{@code
   * if (response.status() == 429) ctx.snooze(response.retryAfter());
   * }</pre>
   *
   * @param delay more than 0, at most 365 days
   * @throws SnoozeException always, which the worker turns into the snooze
   * @throws IllegalArgumentException for a delay out of range (an ordinary failure)
   */
  public void snooze(Duration delay) {
    throw new SnoozeException(delay);
  }

  /** How many times this job was snoozed before this run ({@code custom.snoozes}, 0 if never). */
  public int snoozes() {
    JsonNode n = job.custom() == null ? null : job.custom().get("snoozes");
    return n != null && n.canConvertToInt() ? n.intValue() : 0;
  }
}
