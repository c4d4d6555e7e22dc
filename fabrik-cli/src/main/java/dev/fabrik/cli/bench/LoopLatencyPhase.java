package dev.fabrik.cli.bench;

import dev.fabrik.cli.bench.EventLoop.Driver;
import dev.fabrik.cli.bench.EventLoop.Link;
import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.Reply;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The latency phase on the {@link EventLoop}: the same load as {@link LatencyPhase} (C consumers
 * waiting in FETCH, one producer pushing a job every 1/rate seconds with its send time in {@code
 * args[0]}, one PUSH in flight), but producer and consumers share the loop thread, whose code the
 * throughput phases have already warmed up. Connection 0 is the producer, 1..C the consumers.
 *
 * <pre>
 * PUSH {"jid":"...","jobtype":"bench.noop","queue":"bench-1a2b-latency","args":[123456789]}
 * </pre>
 */
final class LoopLatencyPhase {
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
  LoopLatencyPhase(ConnectionOptions options, int consumers, int jobs, int rate, Path trace) {
    this.options = options;
    this.consumers = consumers;
    this.jobs = jobs;
    this.rate = rate;
    this.trace = trace;
  }

  PhaseResult run(String queue, Tally tally) {
    LatencyTrace samples = new LatencyTrace(jobs);
    int[] sampled = {0};
    long[] unclaimed = {jobs};
    Producer producer = new Producer(queue, tally);
    String fetch = "FETCH " + queue;
    Duration elapsed =
        EventLoop.run(
            options,
            consumers + 1,
            tally,
            i ->
                i == 0
                    ? producer
                    : new Driver() {
                      private boolean awaitingAck;
                      private boolean producerWasDone;

                      @Override
                      public void start(Link link) {
                        next(link);
                      }

                      @Override
                      public void reply(Link link, Reply reply) {
                        if (awaitingAck) {
                          awaitingAck = false;
                          if (Reply.OK.equals(reply)) {
                            tally.done(1);
                          } else {
                            tally.error("ACK answered " + JobLines.describe(reply));
                          }
                          next(link);
                        } else if (reply instanceof Reply.Bulk bulk) {
                          long now = System.nanoTime();
                          var job = JobLines.parse(bulk);
                          samples.record(sampled[0]++, job.path("args").path(0).asLong(), now);
                          link.send(JobLines.ack(job.path("jid").asString()));
                          awaitingAck = true;
                        } else if (reply instanceof Reply.Null
                            && !producerWasDone
                            && System.nanoTime() <= producer.deadline) {
                          fetch(link); // the server's wait ran out before the job was pushed
                        } else {
                          tally.error(
                              reply instanceof Reply.Null
                                  ? "no job arrived on " + queue + " though one was due"
                                  : "FETCH answered " + JobLines.describe(reply));
                          link.finish();
                        }
                      }

                      private void next(Link link) {
                        if (unclaimed[0]-- > 0) {
                          fetch(link);
                        } else {
                          link.finish();
                        }
                      }

                      /**
                       * A FETCH sent after the producer is done that finds nothing: none is coming.
                       */
                      private void fetch(Link link) {
                        producerWasDone = producer.done;
                        link.send(fetch);
                      }
                    },
            producer);
    if (trace != null) {
      samples.write(trace, sampled[0]);
    }
    return tally.result(Phase.LATENCY, elapsed, samples.samples(sampled[0]).summary());
  }

  /** Connection 0: one PUSH in flight, each sent when due by the schedule. */
  private final class Producer implements Driver, EventLoop.Timer {
    private final String queue;
    private final Tally tally;
    private final long interval = 1_000_000_000L / rate;
    private long start;
    private long deadline;
    private int pushed;
    private boolean inFlight;
    private boolean done;
    private Link link;

    Producer(String queue, Tally tally) {
      this.queue = queue;
      this.tally = tally;
    }

    @Override
    public void start(Link producerLink) {
      link = producerLink;
      start = System.nanoTime();
      deadline = start + (long) (jobs * 1e9 / rate) + GRACE.toNanos();
    }

    @Override
    public long dueNanos() {
      boolean idle = done || inFlight || link == null || link.isFinished() || pushed >= jobs;
      return idle ? Long.MAX_VALUE : start + pushed * interval;
    }

    @Override
    public void fire() {
      link.send("PUSH " + JobLines.job(queue, Long.toString(System.nanoTime())));
      pushed++;
      inFlight = true;
    }

    @Override
    public void reply(Link producerLink, Reply reply) {
      inFlight = false;
      if (!Reply.OK.equals(reply)) {
        tally.error("producer: PUSH answered " + JobLines.describe(reply));
        done = true;
      } else if (pushed == jobs) {
        done = true;
      }
      if (done) {
        producerLink.finish();
      }
    }
  }
}
