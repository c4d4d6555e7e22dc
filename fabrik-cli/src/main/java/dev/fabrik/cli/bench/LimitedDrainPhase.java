package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code limited-drain}: the bench queue under a concurrency limit of L (set through {@code POST
 * /api/limits} for the phase, removed after it), drained by C &gt; L connections that each hold a
 * job for the work time before ACKing it. The target: the queue delivers at its limit, and
 * no slot stands free longer than one FETCH round trip while jobs are queued. So it reports:
 *
 * <ul>
 *   <li>jobs/s, next to the limit's ceiling L / work time;
 *   <li>the idle gaps (p50/p99/max columns): from the moment a worker sends its ACK (the slot is
 *       free) to the next job arriving at any worker, the i-th freed slot matched to the (L+i)-th
 *       delivery; the client-side span includes the ACK's and the job's trip, about one round trip
 *       even on a perfect server;
 *   <li>one FETCH round trip (median of 200 on an unlimited queue holding jobs) to compare with;
 *   <li>the most jobs seen in flight at once, which must not exceed L (else an error);
 *   <li>the server's own idle gaps (GET /api/limits): from a slot freed while FETCHes waited to the
 *       gate's next grant, with no network trip and no client thread scheduling in them.
 * </ul>
 *
 * <pre>
 * POST /api/limits {"scope":"queue","name":"bench-1a2b3c4d","concurrency":10}
 * C: FETCH bench-1a2b3c4d           (C connections; L get a job, the others wait in the server)
 * ... work ...
 * C: ACK {"jid":"..."}\r\nFETCH bench-1a2b3c4d    (one write)
 * POST /api/limits/queue:bench-1a2b3c4d/remove
 * </pre>
 */
final class LimitedDrainPhase {
  private static final int RTT_SAMPLES = 200;

  private final ConnectionOptions options;
  private final int connections;
  private final int limit;
  private final Duration work;
  private final LimitApi api;

  /** Sets and removes the phase's limit (the JSON API of the server's web port). */
  interface LimitApi {
    void set(String queue, int concurrency);

    void remove(String queue);

    /**
     * The server's own measure of the limit's idle gaps (GET /api/limits "idle_gaps", from a slot
     * freed while FETCHes waited to the next grant: no network trip in it), described for the
     * report; empty when the server gives none.
     */
    default String serverIdleGaps(String queue) {
      return "";
    }
  }

  /** What the phase measured besides the tally. */
  record Outcome(
      Duration elapsed,
      Samples.Latency idleGaps,
      double fetchRoundTripMs,
      double ackRoundTripMs,
      int maxInFlight,
      String serverIdleGaps) {}

  LimitedDrainPhase(
      ConnectionOptions options, int connections, int limit, Duration work, LimitApi api) {
    if (connections <= limit) {
      throw new IllegalArgumentException(
          "limited-drain needs more connections (--concurrency "
              + connections
              + ") than its limit (--limit "
              + limit
              + "): waiting FETCHes are what it measures");
    }
    this.options = options;
    this.connections = connections;
    this.limit = limit;
    this.work = work;
    this.api = api;
  }

  Outcome run(ProtocolConnection control, String queue, long jobs, Tally tally) {
    double rtt = fetchRoundTripMs(control, queue + "-rtt", tally);
    for (long offset = 0; offset < jobs; offset += 1000) {
      int count = (int) Math.min(1000, jobs - offset);
      Reply reply = control.call(JobLines.pushBulk(queue, count));
      if (!(reply instanceof Reply.Bulk bulk) || JobLines.rejected(bulk) > 0) {
        tally.error("could not fill the queue: PUSHB answered " + JobLines.describe(reply));
        return new Outcome(Duration.ZERO, null, rtt, -1, 0, "");
      }
    }
    api.set(queue, limit);
    try {
      Outcome o = drain(queue, (int) jobs, tally, rtt);
      return new Outcome(
          o.elapsed(),
          o.idleGaps(),
          o.fetchRoundTripMs(),
          o.ackRoundTripMs(),
          o.maxInFlight(),
          api.serverIdleGaps(queue));
    } finally {
      api.remove(queue);
    }
  }

  private Outcome drain(String queue, int jobs, Tally tally, double rtt) {
    long[] delivered = new long[jobs];
    long[] freed = new long[jobs];
    long[] ackTrips = new long[jobs];
    AtomicInteger deliveries = new AtomicInteger();
    AtomicInteger frees = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicLong lastAck = new AtomicLong();
    String fetch = "FETCH " + queue;
    long start = System.nanoTime();
    Parallel.run(
        options,
        connections,
        tally,
        conn -> {
          conn.send(fetch);
          conn.flush();
          while (true) {
            Reply job = conn.read();
            if (job instanceof Reply.Null) {
              if (deliveries.get() >= jobs) {
                return; // every job went out; this FETCH waited out the server's fetch wait
              }
              conn.send(fetch);
              conn.flush();
              continue;
            }
            if (!(job instanceof Reply.Bulk bulk)) {
              tally.error("FETCH answered " + JobLines.describe(job));
              return;
            }
            int n = deliveries.getAndIncrement();
            if (n < jobs) {
              delivered[n] = System.nanoTime();
            }
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            LockSupport.parkNanos(work.toNanos()); // the job's simulated work
            String jid = JobLines.jid(bulk);
            inFlight.decrementAndGet();
            long now = System.nanoTime();
            int f = frees.getAndIncrement();
            if (f < jobs) {
              freed[f] = now;
            }
            boolean more = deliveries.get() < jobs;
            conn.send(JobLines.ack(jid));
            if (more) {
              conn.send(fetch);
            }
            conn.flush();
            Reply ack = conn.read();
            if (Reply.OK.equals(ack)) {
              tally.done(1);
              long acked = System.nanoTime();
              lastAck.accumulateAndGet(acked, Math::max);
              if (f < jobs) {
                ackTrips[f] = acked - now;
              }
            } else {
              tally.error("ACK answered " + JobLines.describe(ack));
            }
            if (!more) {
              return;
            }
          }
        });
    if (maxInFlight.get() > limit) {
      tally.error(maxInFlight.get() + " jobs were in flight at once under a limit of " + limit);
    }
    int got = Math.min(deliveries.get(), jobs);
    long[] gaps = idleGaps(Arrays.copyOf(freed, Math.min(frees.get(), jobs)), delivered, got);
    Duration elapsed = Duration.ofNanos(Math.max(0, lastAck.get() - start));
    int acks = Math.min(frees.get(), jobs);
    double ackMs = new Samples(ackTrips, acks).percentile(50) / 1e6;
    return new Outcome(
        elapsed, new Samples(gaps, gaps.length).summary(), rtt, ackMs, maxInFlight.get(), "");
  }

  /**
   * The i-th slot freed (sorted ACK send times) is taken again by the (limit + i)-th delivery: the
   * time between them is how long that slot stood free while jobs were queued.
   */
  long[] idleGaps(long[] freedTimes, long[] deliveredTimes, int deliveredCount) {
    long[] freedSorted = freedTimes.clone();
    Arrays.sort(freedSorted);
    long[] deliveredSorted = Arrays.copyOf(deliveredTimes, deliveredCount);
    Arrays.sort(deliveredSorted);
    int n = Math.max(0, Math.min(freedSorted.length, deliveredCount - limit));
    long[] gaps = new long[n];
    for (int i = 0; i < n; i++) {
      gaps[i] = Math.max(0, deliveredSorted[limit + i] - freedSorted[i]);
    }
    return gaps;
  }

  /** The median FETCH round trip on an unlimited queue holding jobs, in milliseconds. */
  private static double fetchRoundTripMs(ProtocolConnection control, String queue, Tally tally) {
    Reply filled = control.call(JobLines.pushBulk(queue, RTT_SAMPLES));
    if (!(filled instanceof Reply.Bulk)) {
      tally.error("PUSHB answered " + JobLines.describe(filled));
      return -1;
    }
    long[] samples = new long[RTT_SAMPLES];
    int count = 0;
    try {
      for (int i = 0; i < RTT_SAMPLES; i++) {
        long t0 = System.nanoTime();
        Reply job = control.call("FETCH " + queue);
        samples[count++] = System.nanoTime() - t0;
        if (!(job instanceof Reply.Bulk bulk)) {
          tally.error("FETCH answered " + JobLines.describe(job));
          break;
        }
        control.call(JobLines.ack(JobLines.jid(bulk)));
      }
    } finally {
      control.call("QUEUE REMOVE " + queue);
    }
    return new Samples(samples, count).percentile(50) / 1e6;
  }

  /** One line for the report: the limit, its ceiling, in flight and the round trip. */
  String describe(Outcome o, long jobs) {
    double seconds = o.elapsed().toNanos() / 1e9;
    return String.format(
        Locale.ROOT,
        "limit %d, work %d ms: ceiling %.0f jobs/s, delivered %.0f jobs/s (%.1f %%), at most %d in"
            + " flight; FETCH round trip %.2f ms, ACK round trip %.2f ms, longest idle slot %.2f ms"
            + " (client); %s",
        limit,
        work.toMillis(),
        limit * 1000.0 / Math.max(1, work.toMillis()),
        seconds <= 0 ? 0 : jobs / seconds,
        seconds <= 0 ? 0 : 100.0 * jobs / seconds / (limit * 1000.0 / Math.max(1, work.toMillis())),
        o.maxInFlight(),
        o.fetchRoundTripMs(),
        o.ackRoundTripMs(),
        o.idleGaps() == null ? 0 : o.idleGaps().maxMs(),
        o.serverIdleGaps().isEmpty() ? "server idle gaps: none reported" : o.serverIdleGaps());
  }
}
