package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
 * @param limited the limited-drain phase's limit, work time and web address, or null for defaults
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
    Path latencyTrace,
    Limited limited) {

  /**
   * The limited-drain phase: a concurrency limit of {@code limit} on the bench queue, each job held
   * {@code work}, the limit set through the JSON API at {@code web} (null: the command port + 1 on
   * the same host, as 7419/7420).
   */
  public record Limited(int limit, Duration work, URI web) {
    public static final Limited DEFAULT = new Limited(10, Duration.ofMillis(5), null);

    public Limited {
      if (limit < 1 || work == null || work.isNegative()) {
        throw new IllegalArgumentException("--limit must be at least 1 and --work-ms at least 0");
      }
    }
  }

  /** Without limited-drain settings (its defaults). */
  public BenchSettings(
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
        latencyTrace,
        null);
  }

  public BenchSettings {
    if (jobs < 1 || concurrency < 1 || batch < 1 || latencyRate < 1 || latencyJobs < 1) {
      throw new IllegalArgumentException(
          "jobs, concurrency, batch, latency rate and latency jobs must all be at least 1");
    }
    phases = List.copyOf(phases);
    if (engine == null) {
      engine = Engine.LOOP;
    }
    if (limited == null) {
      limited = Limited.DEFAULT;
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
