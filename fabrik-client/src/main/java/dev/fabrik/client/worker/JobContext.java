package dev.fabrik.client.worker;

import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.Job;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What a handler knows about the job it performs, and what it may do besides: push follow-up jobs.
 * One context per execution; safe to use from the handler's thread.
 */
public final class JobContext {
  private final Job job;
  private final Consumer<Job> pusher;

  private JobContext(Job job, Consumer<Job> pusher) {
    this.job = Objects.requireNonNull(job, "job");
    this.pusher = Objects.requireNonNull(pusher, "pusher");
  }

  /**
   * A context for {@code job} whose {@link #push} hands jobs to {@code pusher}. The worker and the
   * {@code InlineRunner} create these; tests may too.
   */
  public static JobContext of(Job job, Consumer<Job> pusher) {
    return new JobContext(job, pusher);
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
   * Reports progress. A no-op for now: Faktory's progress tracking is an Enterprise feature and
   * Fabrik has no server-side tracking yet; handlers may call it so they need no change later.
   *
   * @param percent 0 to 100
   * @param description short human-readable text, may be null
   */
  public void progress(int percent, String description) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be within 0..100: " + percent);
    }
  }
}
