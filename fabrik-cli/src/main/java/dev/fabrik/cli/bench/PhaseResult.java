package dev.fabrik.cli.bench;

import java.time.Duration;

/**
 * How one phase went.
 *
 * @param phase which one
 * @param jobs jobs it completed (pushed, or fetched and acknowledged)
 * @param elapsed wall time of the measured part
 * @param errors error replies and failures seen; a clean phase has 0
 * @param firstError the first such error, or null
 * @param latency push-to-fetch percentiles for the latency phase, ACK round trips for ack-wait,
 *     idle gaps of a slot for limited-drain, else null
 * @param serverCpuNanos CPU time the server used during the measured part, -1 when unknown (no
 *     {@code --server-pid}, or the latency phase, whose CPU is mostly waiting producers)
 * @param detail one more line for the report (limited-drain: the limit and the round trip), or null
 */
public record PhaseResult(
    Phase phase,
    long jobs,
    Duration elapsed,
    long errors,
    String firstError,
    Samples.Latency latency,
    long serverCpuNanos,
    String detail) {

  PhaseResult withServerCpu(long nanos) {
    return new PhaseResult(phase, jobs, elapsed, errors, firstError, latency, nanos, detail);
  }

  PhaseResult withDetail(String line) {
    return new PhaseResult(phase, jobs, elapsed, errors, firstError, latency, serverCpuNanos, line);
  }

  /** Server CPU microseconds per job, or -1 when unknown. */
  public double serverCpuMicrosPerJob() {
    return serverCpuNanos < 0 || jobs == 0 ? -1 : serverCpuNanos / 1e3 / jobs;
  }

  public double jobsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : jobs / seconds;
  }

  public boolean ok() {
    return errors == 0;
  }
}
