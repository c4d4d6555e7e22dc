package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.Reply;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The thread-per-connection engine: each connection is driven by a blocking platform thread of its
 * own. It is what the first published figures were measured with; on a 2-core machine its 50
 * threads take about a core away from the server.
 */
final class ThroughputPhases implements Throughput {
  private final ConnectionOptions options;
  private final int concurrency;

  ThroughputPhases(ConnectionOptions options, int concurrency) {
    this.options = options;
    this.concurrency = concurrency;
  }

  /** PUSHB {@code batch} jobs per command until {@code jobs} are pushed. */
  @Override
  public Duration pushBulk(String queue, long jobs, int batch, Tally tally) {
    AtomicLong nextOffset = new AtomicLong();
    return Parallel.run(
        options,
        concurrency,
        tally,
        conn -> {
          long offset;
          while ((offset = nextOffset.getAndAdd(batch)) < jobs) {
            int count = (int) Math.min(batch, jobs - offset);
            Reply reply = conn.call(JobLines.pushBulk(queue, count));
            if (reply instanceof Reply.Bulk bulk) {
              int rejected = JobLines.rejected(bulk);
              tally.done(count - rejected);
              tally.errors(rejected, "PUSHB rejected jobs: " + bulk.text());
            } else {
              tally.error("PUSHB answered " + JobLines.describe(reply));
            }
          }
        });
  }

  /** One PUSH per round trip until {@code jobs} are pushed. */
  @Override
  public Duration push(String queue, long jobs, boolean unique, Tally tally) {
    AtomicLong claimed = new AtomicLong();
    long base = JobLines.uniqueBase();
    return Parallel.run(
        options,
        concurrency,
        tally,
        conn -> {
          long n;
          while ((n = claimed.getAndIncrement()) < jobs) {
            Reply reply =
                conn.call(unique ? JobLines.pushUnique(queue, base + n) : JobLines.push(queue));
            if (Reply.OK.equals(reply)) {
              tally.done(1);
            } else {
              tally.error("PUSH answered " + JobLines.describe(reply));
            }
          }
        });
  }

  /**
   * FETCH and ACK exactly {@code jobs} jobs. Each connection first claims a job from the shared
   * count, so no FETCH is sent for a job that is not there. The ACK of one job and the FETCH of the
   * next leave in one write, which halves the round trips:
   *
   * <pre>
   * C: ACK {"jid":"a"}\r\nFETCH q\r\n     (one write)
   * S: +OK\r\n$123\r\n{...next job...}\r\n
   * </pre>
   */
  @Override
  public Duration drain(String queue, long jobs, Tally tally) {
    AtomicLong unclaimed = new AtomicLong(jobs);
    String fetch = "FETCH " + queue;
    return Parallel.run(
        options,
        concurrency,
        tally,
        conn -> {
          if (unclaimed.getAndDecrement() <= 0) {
            return;
          }
          Reply job = conn.call(fetch);
          while (true) {
            if (!(job instanceof Reply.Bulk bulk)) {
              tally.error("FETCH answered " + JobLines.describe(job) + " while jobs were left");
              return;
            }
            String jid = JobLines.jid(bulk);
            boolean more = unclaimed.getAndDecrement() > 0;
            conn.send(JobLines.ack(jid));
            if (more) {
              conn.send(fetch);
            }
            conn.flush();
            Reply ack = conn.read();
            if (Reply.OK.equals(ack)) {
              tally.done(1);
            } else {
              tally.error("ACK answered " + JobLines.describe(ack));
            }
            if (!more) {
              return;
            }
            job = conn.read();
          }
        });
  }
}
