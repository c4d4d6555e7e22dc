package dev.fabrik.client.worker;

import dev.fabrik.client.ServerErrorException;
import dev.fabrik.protocol.Job;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reports a job's outcome, retrying on connection errors for a bounded time: losing an ACK would
 * make the server run the job again after its reservation expires, and losing a FAIL would delay
 * the retry by that much. An error reply (e.g. {@code -ERR Job not found}: the reservation already
 * expired) is final, because repeating the command cannot change the answer.
 */
final class Reporter {
  private static final System.Logger LOG = System.getLogger(Reporter.class.getName());

  private final Duration retryFor;

  Reporter(Duration retryFor) {
    this.retryFor = retryFor;
  }

  void ack(ServerLink link, Job job) {
    report(job, "ACK", l -> l.ack(job.jid()), link);
  }

  void fail(ServerLink link, Job job, Throwable error) {
    report(job, "FAIL", l -> l.fail(job.jid(), error), link);
  }

  void snooze(ServerLink link, Job job, Duration delay) {
    report(job, "FAIL (snooze)", l -> l.snooze(job.jid(), delay), link);
  }

  private void report(Job job, String verb, Consumer<ServerLink> command, ServerLink link) {
    long deadline = System.nanoTime() + retryFor.toNanos();
    long backoffMillis = 50;
    while (true) {
      try {
        command.accept(link);
        return;
      } catch (ServerErrorException e) {
        LOG.log(
            System.Logger.Level.WARNING, verb + " " + job.jid() + " refused: " + e.getMessage());
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() + backoffMillis * 1_000_000 > deadline) {
          LOG.log(
              System.Logger.Level.ERROR,
              verb + " " + job.jid() + " gave up; the server re-runs it when its reservation ends",
              e);
          return;
        }
        LOG.log(System.Logger.Level.DEBUG, verb + " " + job.jid() + " failed, retrying", e);
        if (!pause(backoffMillis)) {
          return;
        }
        backoffMillis = Math.min(backoffMillis * 2, 2_000);
      }
    }
  }

  /** Sleeps; false when interrupted (the interrupt flag is kept for the caller). */
  static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
