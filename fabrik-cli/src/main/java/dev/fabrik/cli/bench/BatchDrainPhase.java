package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import java.time.Duration;

/**
 * {@code batch-drain}: the drain phase with every job in one batch, timed from the first FETCH to
 * the batch's complete callback arriving, so it includes the server's batch bookkeeping (one member
 * row per job, a completion check per ACK) and the callback push. Compare its jobs/s with the plain
 * {@code drain} phase of the same run:
 *
 * <pre>
 * C: BATCH NEW {"complete":{"jobtype":"bench.batch-done","queue":"bench-..-cb"}}   S: +b-...
 * C: PUSHB [{...,"custom":{"bid":"b-..."}}, ...]     (untimed, from the control connection)
 * C: BATCH COMMIT b-...
 * ... drain as in the drain phase ...
 * C: FETCH bench-..-cb   S: the callback (the clock stops)
 * </pre>
 */
final class BatchDrainPhase {
  private static final Duration CALLBACK_WAIT = Duration.ofMinutes(2);

  private final Throughput load;
  private final int batch;

  BatchDrainPhase(Throughput load, int batch) {
    this.load = load;
    this.batch = batch;
  }

  /** Returns the time from the drain's start to the callback; errors go to {@code tally}. */
  Duration run(ProtocolConnection control, String queue, long jobs, Tally tally) {
    String callbacks = queue + "-cb";
    Reply created =
        control.call(
            "BATCH NEW {\"description\":\"fabrik bench\",\"complete\":{\"jobtype\":"
                + "\"bench.batch-done\",\"queue\":\""
                + callbacks
                + "\"}}");
    if (!(created instanceof Reply.Simple s)) {
      tally.error("BATCH NEW answered " + JobLines.describe(created));
      return Duration.ZERO;
    }
    String bid = s.text();
    for (long offset = 0; offset < jobs; offset += batch) {
      int count = (int) Math.min(batch, jobs - offset);
      Reply reply = control.call(JobLines.pushBulkInBatch(queue, count, bid));
      if (!(reply instanceof Reply.Bulk bulk) || JobLines.rejected(bulk) > 0) {
        tally.error("could not fill the batch: PUSHB answered " + JobLines.describe(reply));
        return Duration.ZERO;
      }
    }
    if (!Reply.OK.equals(control.call("BATCH COMMIT " + bid))) {
      tally.error("BATCH COMMIT failed");
      return Duration.ZERO;
    }
    long start = System.nanoTime();
    Duration drained = load.drain(queue, jobs, tally);
    long deadline = System.nanoTime() + CALLBACK_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      // A FETCH waits up to the server's fetch wait for the callback to arrive.
      Reply reply = control.call("FETCH " + callbacks);
      if (reply instanceof Reply.Bulk bulk) {
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        control.call(JobLines.ack(JobLines.jid(bulk)));
        control.call("QUEUE REMOVE " + callbacks);
        return total.compareTo(drained) < 0 ? drained : total;
      }
    }
    tally.error("the batch's complete callback did not arrive within " + CALLBACK_WAIT);
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
