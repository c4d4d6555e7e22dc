package dev.fabrik.client.worker;

import dev.fabrik.protocol.Job;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The executions currently running. Once {@link #closeAndTakeAll} ran, {@link #begin} refuses new
 * executions, so a job fetched during a hard stop is FAILed at once instead of slipping past the
 * sweep and being abandoned on a closed connection.
 */
final class InFlight {
  private final Set<Execution> running = new LinkedHashSet<>();
  private boolean closed;

  /** Registers the job for the current thread; null after a hard stop (the caller FAILs it). */
  synchronized Execution begin(Job job) {
    if (closed) {
      return null;
    }
    Execution e = new Execution(job, Thread.currentThread());
    running.add(e);
    return e;
  }

  synchronized void end(Execution e) {
    running.remove(e);
  }

  synchronized int size() {
    return running.size();
  }

  /** Refuses further executions and returns what still runs. */
  synchronized List<Execution> closeAndTakeAll() {
    closed = true;
    return new ArrayList<>(running);
  }
}
