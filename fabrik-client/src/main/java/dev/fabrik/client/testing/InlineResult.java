package dev.fabrik.client.testing;

import dev.fabrik.protocol.Job;
import java.util.List;

/**
 * What performing one job inline produced.
 *
 * @param job the job as the handler saw it (after the JSON round trip)
 * @param error what the handler or a middleware threw; null means the worker would have ACKed
 * @param pushed follow-up jobs the handler pushed through its context, in order
 */
public record InlineResult(Job job, Throwable error, List<Job> pushed) {
  public InlineResult {
    pushed = List.copyOf(pushed);
  }

  /** True when the worker would ACK the job. */
  public boolean succeeded() {
    return error == null;
  }
}
