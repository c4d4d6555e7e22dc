package dev.fabrik.cli.bench;

import dev.fabrik.cli.bench.EventLoop.Driver;
import dev.fabrik.cli.bench.EventLoop.Link;
import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.Reply;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The throughput phases on the {@link EventLoop}: each connection keeps exactly the requests in
 * flight that a thread of {@link ThroughputPhases} would. The shared work counters are plain
 * fields, since every driver runs on the loop thread.
 */
final class LoopPhases implements Throughput {
  private final ConnectionOptions options;
  private final int concurrency;

  LoopPhases(ConnectionOptions options, int concurrency) {
    this.options = options;
    this.concurrency = concurrency;
  }

  /** Jobs not yet claimed by a connection. */
  private static final class Work {
    long left;

    Work(long jobs) {
      left = jobs;
    }

    /** Takes up to {@code n} jobs; returns how many (0 when the work is used up). */
    int claim(int n) {
      int got = (int) Math.min(n, left);
      left -= got;
      return got;
    }
  }

  @Override
  public Duration pushBulk(String queue, long jobs, int batch, Tally tally) {
    Work work = new Work(jobs);
    return EventLoop.run(
        options,
        concurrency,
        tally,
        i ->
            new Driver() {
              private int count;

              @Override
              public void start(Link link) {
                next(link);
              }

              @Override
              public void reply(Link link, Reply reply) {
                if (reply instanceof Reply.Bulk bulk) {
                  int rejected = JobLines.rejected(bulk);
                  tally.done(count - rejected);
                  tally.errors(rejected, "PUSHB rejected jobs: " + bulk.text());
                } else {
                  tally.error("PUSHB answered " + JobLines.describe(reply));
                }
                next(link);
              }

              private void next(Link link) {
                count = work.claim(batch);
                if (count > 0) {
                  link.send(JobLines.pushBulk(queue, count));
                } else {
                  link.finish();
                }
              }
            });
  }

  @Override
  public Duration push(String queue, long jobs, boolean unique, Tally tally) {
    Work work = new Work(jobs);
    AtomicLong seq = new AtomicLong(JobLines.uniqueBase());
    return EventLoop.run(
        options,
        concurrency,
        tally,
        i ->
            new Driver() {
              @Override
              public void start(Link link) {
                next(link);
              }

              @Override
              public void reply(Link link, Reply reply) {
                if (Reply.OK.equals(reply)) {
                  tally.done(1);
                } else {
                  tally.error("PUSH answered " + JobLines.describe(reply));
                }
                next(link);
              }

              private void next(Link link) {
                if (work.claim(1) > 0) {
                  link.send(
                      unique
                          ? JobLines.pushUnique(queue, seq.getAndIncrement())
                          : JobLines.push(queue));
                } else {
                  link.finish();
                }
              }
            });
  }

  /**
   * Each connection claims a job before it sends a FETCH for it, so no FETCH is sent for a job that
   * is not there; a connection that gets no job while jobs were left stops with an error.
   */
  @Override
  public Duration drain(String queue, long jobs, Tally tally) {
    Work work = new Work(jobs);
    String fetch = "FETCH " + queue;
    return EventLoop.run(
        options,
        concurrency,
        tally,
        i ->
            new Driver() {
              private boolean awaitingAck;
              private boolean more;

              @Override
              public void start(Link link) {
                if (work.claim(1) > 0) {
                  link.send(fetch);
                } else {
                  link.finish();
                }
              }

              @Override
              public void reply(Link link, Reply reply) {
                if (awaitingAck) {
                  if (Reply.OK.equals(reply)) {
                    tally.done(1);
                  } else {
                    tally.error("ACK answered " + JobLines.describe(reply));
                  }
                  awaitingAck = false;
                  if (!more) {
                    link.finish();
                  }
                  return; // the FETCH sent with the ACK answers next
                }
                if (!(reply instanceof Reply.Bulk bulk)) {
                  tally.error(
                      "FETCH answered " + JobLines.describe(reply) + " while jobs were left");
                  link.finish();
                  return;
                }
                more = work.claim(1) > 0;
                link.send(JobLines.ack(JobLines.jid(bulk)));
                if (more) {
                  link.send(fetch);
                }
                awaitingAck = true;
              }
            });
  }
}
