package dev.fabrik.cli.bench;

import dev.fabrik.cli.bench.EventLoop.Driver;
import dev.fabrik.cli.bench.EventLoop.Link;
import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.Reply;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * How long an ACK waits for its {@code +OK} while C connections flood the server with PUSHB: the
 * time an ACK spends behind the writer's other work. Connection 0 is the probe, sequential round
 * trips on a queue of its own; 1..C push {@code jobs} jobs in PUSHBs of {@code batch} (each with
 * one command in flight, as in push-bulk). The probe stops once the flood is done; its ACKs count
 * as the phase's jobs, and sent-to-{@code +OK} is the latency reported.
 *
 * <pre>
 * probe: PUSH {...probe queue...} → +OK; FETCH probe-queue → job; ACK {"jid":"..."} → +OK (timed)
 * flood: PUSHB [{...},{...},...] → {} ...
 * </pre>
 */
final class AckWaitPhase {
  private final ConnectionOptions options;
  private final int flooders;
  private final long jobs;
  private final int batch;

  AckWaitPhase(ConnectionOptions options, int flooders, long jobs, int batch) {
    this.options = options;
    this.flooders = flooders;
    this.jobs = jobs;
    this.batch = batch;
  }

  PhaseResult run(String floodQueue, String probeQueue, Tally tally) {
    long[] left = {jobs};
    int[] flooding = {flooders};
    Probe probe = new Probe(probeQueue, tally, () -> flooding[0] == 0);
    Duration elapsed =
        EventLoop.run(
            options,
            flooders + 1,
            tally,
            i ->
                i == 0
                    ? probe
                    : new Driver() {
                      @Override
                      public void start(Link link) {
                        next(link);
                      }

                      @Override
                      public void reply(Link link, Reply reply) {
                        if (!(reply instanceof Reply.Bulk bulk) || JobLines.rejected(bulk) > 0) {
                          tally.error("flood: PUSHB answered " + JobLines.describe(reply));
                        }
                        next(link);
                      }

                      private void next(Link link) {
                        int count = (int) Math.min(batch, left[0]);
                        left[0] -= count;
                        if (count > 0) {
                          link.send(JobLines.pushBulk(floodQueue, count));
                        } else {
                          flooding[0]--;
                          link.finish();
                        }
                      }
                    });
    Samples s = new Samples(probe.samples, probe.sampled);
    return tally.result(Phase.ACK_WAIT, elapsed, s.summary());
  }

  /** PUSH, FETCH, ACK in turn on its own queue until the flood is done. */
  private static final class Probe implements Driver {
    private final String queue;
    private final Tally tally;
    private final BooleanSupplier floodDone;
    private long[] samples = new long[1024];
    private int sampled;
    private int step; // 0: PUSH sent, 1: FETCH sent, 2: ACK sent
    private long ackSentAt;

    Probe(String queue, Tally tally, BooleanSupplier floodDone) {
      this.queue = queue;
      this.tally = tally;
      this.floodDone = floodDone;
    }

    @Override
    public void start(Link link) {
      push(link);
    }

    private void push(Link link) {
      step = 0;
      link.send(JobLines.push(queue));
    }

    @Override
    public void reply(Link link, Reply reply) {
      switch (step) {
        case 0 -> {
          if (!Reply.OK.equals(reply)) {
            fail(link, "probe: PUSH answered " + JobLines.describe(reply));
            return;
          }
          step = 1;
          link.send("FETCH " + queue);
        }
        case 1 -> {
          if (!(reply instanceof Reply.Bulk bulk)) {
            fail(link, "probe: FETCH answered " + JobLines.describe(reply));
            return;
          }
          step = 2;
          ackSentAt = System.nanoTime();
          link.send(JobLines.ack(JobLines.jid(bulk)));
        }
        default -> {
          long waited = System.nanoTime() - ackSentAt;
          if (!Reply.OK.equals(reply)) {
            fail(link, "probe: ACK answered " + JobLines.describe(reply));
            return;
          }
          if (sampled == samples.length) {
            samples = Arrays.copyOf(samples, sampled * 2);
          }
          samples[sampled++] = waited;
          tally.done(1);
          if (floodDone.getAsBoolean()) {
            link.finish();
          } else {
            push(link);
          }
        }
      }
    }

    private void fail(Link link, String message) {
      tally.error(message);
      link.finish();
    }
  }
}
