package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads engine's latency phase ({@link LoopLatencyPhase} is the event loop's). Push-to-fetch
 * latency at a moderate, fixed rate: C consumers wait in FETCH on their own queue while one
 * producer pushes a job every 1/rate seconds carrying its send time ({@code System.nanoTime()},
 * comparable because producer and consumers share this process):
 *
 * <pre>
 * PUSH {"jid":"...","jobtype":"bench.noop","queue":"bench-1a2b-latency","args":[123456789]}
 * </pre>
 */
final class LatencyPhase {
  /** Slack beyond the producer's planned run time before consumers give up. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final ConnectionOptions options;
  private final int consumers;
  private final int jobs;
  private final int rate;
  private final Path trace;

  /**
   * @param trace where to write every sample ({@link LatencyTrace}), or null
   */
  LatencyPhase(ConnectionOptions options, int consumers, int jobs, int rate, Path trace) {
    this.options = options;
    this.consumers = consumers;
    this.jobs = jobs;
    this.rate = rate;
    this.trace = trace;
  }

  PhaseResult run(String queue, Tally tally) throws InterruptedException {
    LatencyTrace samples = new LatencyTrace(jobs);
    AtomicInteger sampled = new AtomicInteger();
    AtomicLong unclaimed = new AtomicLong(jobs);
    AtomicBoolean producerDone = new AtomicBoolean();
    long deadline = System.nanoTime() + (long) (jobs * 1e9 / rate) + GRACE.toNanos();
    String fetch = "FETCH " + queue;

    Thread producer;
    try (ProtocolConnection conn = ProtocolConnection.open(options)) {
      producer =
          Thread.ofPlatform()
              .name("bench-producer")
              .start(
                  () -> {
                    try {
                      produce(conn, queue);
                    } catch (RuntimeException e) {
                      tally.error("producer: " + e);
                    } finally {
                      producerDone.set(
                          true); // a FETCH sent after this that finds nothing: no job is coming
                    }
                  });
      Duration elapsed =
          Parallel.run(
              options,
              consumers,
              tally,
              c -> {
                while (unclaimed.getAndDecrement() > 0) {
                  boolean producerWasDone = producerDone.get();
                  Reply reply = c.call(fetch);
                  while (reply instanceof Reply.Null) {
                    if (producerWasDone || System.nanoTime() > deadline) {
                      tally.error("no job arrived on " + queue + " though one was due");
                      return;
                    }
                    producerWasDone = producerDone.get();
                    reply = c.call(fetch);
                  }
                  long now = System.nanoTime();
                  if (!(reply instanceof Reply.Bulk bulk)) {
                    tally.error("FETCH answered " + JobLines.describe(reply));
                    return;
                  }
                  var job = JobLines.parse(bulk);
                  samples.record(sampled.getAndIncrement(), job.path("args").path(0).asLong(), now);
                  Reply ack = c.call(JobLines.ack(job.path("jid").asString()));
                  if (Reply.OK.equals(ack)) {
                    tally.done(1);
                  } else {
                    tally.error("ACK answered " + JobLines.describe(ack));
                  }
                }
              });
      producer.join();
      if (trace != null) {
        samples.write(trace, sampled.get());
      }
      return tally.result(Phase.LATENCY, elapsed, samples.samples(sampled.get()).summary());
    }
  }

  private void produce(ProtocolConnection conn, String queue) {
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int i = 0; i < jobs; i++) {
      long wait = start + i * interval - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // pacing the load, not waiting for a condition
      }
      Reply reply = conn.call("PUSH " + JobLines.job(queue, Long.toString(System.nanoTime())));
      if (!Reply.OK.equals(reply)) {
        throw new IllegalStateException("PUSH answered " + JobLines.describe(reply));
      }
    }
  }
}
