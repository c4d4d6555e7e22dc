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

  /** The expiring side's claim; interrupts the handler when it wins. */
  synchronized boolean claimAndInterrupt() {
    if (settled) {
      return false;
    }
    settled = true;
    thread.interrupt();
    return true;
  }
}
