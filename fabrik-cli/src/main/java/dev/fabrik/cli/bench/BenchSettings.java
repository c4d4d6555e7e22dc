package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code fabrik bench} run does.
 *
 * @param connection where the server is; each bench connection opens with these options
 * @param jobs jobs per throughput phase
 * @param concurrency connections per phase
 * @param batch jobs per PUSHB in the push-bulk phase
 * @param phases what to run, in order
 * @param latencyRate jobs per second the latency producer pushes
 * @param latencyJobs jobs the latency phase pushes
 * @param serverPid server process whose /proc status to report, or null
 * @param engine how the phases generate load (TLS always uses {@link Engine#THREADS})
 * @param latencyTrace where the latency phase writes every sample ({@link LatencyTrace}), or null
 */
public record BenchSettings(
    ConnectionOptions connection,
    int jobs,
    int concurrency,
    int batch,
    List<Phase> phases,
    int latencyRate,
    int latencyJobs,
    Long serverPid,
    Engine engine,
    Path latencyTrace) {

  public BenchSettings {
    if (jobs < 1 || concurrency < 1 || batch < 1 || latencyRate < 1 || latencyJobs < 1) {
      throw new IllegalArgumentException(
          "jobs, concurrency, batch, latency rate and latency jobs must all be at least 1");
    }
    phases = List.copyOf(phases);
    if (engine == null) {
      engine = Engine.LOOP;
    }
  }

  /** With the default {@link Engine#LOOP} engine. */
  public BenchSettings(
      ConnectionOptions connection,
      int jobs,
      int concurrency,
      int batch,
      List<Phase> phases,
      int latencyRate,
      int latencyJobs,
      Long serverPid) {
    this(connection, jobs, concurrency, batch, phases, latencyRate, latencyJobs, serverPid, null);
  }

  /** Without a latency trace. */
  public BenchSettings(
      ConnectionOptions connection,
      int jobs,
      int concurrency,
      int batch,
      List<Phase> phases,
      int latencyRate,
      int latencyJobs,
      Long serverPid,
      Engine engine) {
    this(
        connection,
        jobs,
        concurrency,
        batch,
        phases,
        latencyRate,
        latencyJobs,
        serverPid,
        engine,
        null);
  }

  /**
   * The engine that actually runs: the event loop speaks plain TCP only, so TLS falls back to one
   * thread per connection.
   */
  public Engine effectiveEngine() {
    return connection.sslSocketFactory() != null ? Engine.THREADS : engine;
  }
}
