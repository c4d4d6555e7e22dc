package dev.fabrik.client.testing;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.ServerInfo;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.JobContext;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Performs jobs through a {@link HandlerRegistry} in the test's own thread, the way the worker
 * would: the same middleware chain, the same handler, and the job after a JSON round trip ({@link
 * JobCodec} encode then decode), so a handler sees exactly the types a FETCH delivers (an {@code
 * int} arg comes back an {@code Integer}, a POJO as a map) and a job that cannot be serialized
 * fails here, not in production.
 *
 * <pre>{@code
 * InlineRunner runner = InlineRunner.of(registry);
 * InlineResult r = runner.run("SendEmail", Map.of("to", "a@b.c"));
 * assertThat(r.succeeded()).isTrue();
 * assertThat(r.pushed()).extracting(Job::jobtype).containsExactly("Audit");
 * }</pre>
 *
 * Not thread-safe; one runner per test.
 */
public final class InlineRunner {
  private final HandlerRegistry registry;
  private final List<Job> pushed = new ArrayList<>();

  private InlineRunner(HandlerRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  public static InlineRunner of(HandlerRegistry registry) {
    return new InlineRunner(registry);
  }

  /** Builds a job of {@code jobtype} with {@code args} and performs it. */
  public InlineResult run(String jobtype, Object... args) {
    return run(Jobs.of(jobtype, args));
  }

  /** Performs {@code job} after a JSON round trip; the handler's exception is in the result. */
  public InlineResult run(Job job) {
    Job delivered = JobCodec.decode(JobCodec.encode(job));
    List<Job> mine = new ArrayList<>();
    JobContext ctx =
        JobContext.of(
            delivered,
            followUp -> {
              Job roundTripped = JobCodec.decode(JobCodec.encode(followUp));
              mine.add(roundTripped);
              pushed.add(roundTripped);
            });
    Throwable error = null;
    try {
      registry.perform(ctx);
    } catch (Throwable t) {
      error = t;
    }
    return new InlineResult(delivered, error, mine);
  }

  /** Every job pushed by handlers through this runner, in order. */
  public List<Job> pushed() {
    return List.copyOf(pushed);
  }

  /**
   * Works every job queued on a real server in {@code queues}, one at a time on the calling thread,
   * until INFO reports them all empty; jobs pushed meanwhile into those queues (including
   * follow-ups, which go to the server) are worked too. Scheduled jobs and retries are not waited
   * for. Outcomes are ACKed or FAILed like the worker does.
   *
   * @param config the server; a random wid is used
   * @param queues at least one queue
   */
  public DrainResult drain(ClientConfig config, String... queues) {
    if (queues.length == 0) {
      throw new IllegalArgumentException("name at least one queue to drain");
    }
    int performed = 0;
    int failed = 0;
    try (Client client = Client.connect(config.withWid(ProtocolConnection.randomJid()))) {
      while (!empty(client.info(), queues)) {
        Optional<Job> next = client.fetch(queues);
        if (next.isEmpty()) {
          continue;
        }
        Job job = next.get();
        Throwable error = null;
        try {
          registry.perform(JobContext.of(job, client::push));
        } catch (Throwable t) {
          error = t;
        }
        performed++;
        if (error == null) {
          client.ack(job.jid());
        } else {
          failed++;
          client.fail(job.jid(), error.getClass().getName(), messageOf(error), List.of());
        }
      }
    }
    return new DrainResult(performed, failed);
  }

  private static boolean empty(ServerInfo info, String[] queues) {
    for (String q : queues) {
      if (info.queueSize(q) > 0) {
        return false;
      }
    }
    return true;
  }

  private static String messageOf(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
