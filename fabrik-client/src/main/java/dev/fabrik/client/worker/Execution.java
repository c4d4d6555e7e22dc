package dev.fabrik.client.worker;

import dev.fabrik.protocol.Job;

/**
 * One job being performed on one thread. Exactly one party settles it (reports ACK or FAIL): the
 * processor when the handler returns, or the timeout/shutdown path that FAILs it first. Both claim
 * under this object's lock, and the expiring side interrupts inside the lock, so the processor can
 * clear a stray interrupt before it fetches again.
 */
final class Execution {
  private final Job job;
  private final Thread thread;
  private boolean settled;
  private RuntimeException reason;

  Execution(Job job, Thread thread) {
    this.job = job;
    this.thread = thread;
  }

  Job job() {
    return job;
  }

  /** The processor's claim after the handler returned; false if the job was already FAILed. */
  synchronized boolean claim() {
    if (settled) {
      return false;
    }
    settled = true;
    return true;
  }

  /** The expiring side's claim, FAILing for {@code why}; interrupts the handler when it wins. */
  synchronized boolean claimAndInterrupt(RuntimeException why) {
    if (settled) {
      return false;
    }
    settled = true;
    reason = why;
    thread.interrupt();
    return true;
  }

  /** Why the expiring side FAILed the job; null when it did not. */
  synchronized RuntimeException reason() {
    return reason;
  }
}
