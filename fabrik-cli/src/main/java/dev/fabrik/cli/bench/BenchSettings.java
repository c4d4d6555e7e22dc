package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ConnectionOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one {@code fabrik bench} run does, built by naming what differs from the defaults: {@code
 * BenchSettings.builder(options, List.of(Phase.DRAIN)).jobs(500).concurrency(2).build()}.
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
 * @param warmupJobs jobs each push-bulk, push, push-unique and drain phase first runs untimed (the
 *     server's JIT compiles its path meanwhile), 0 for none
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
    Limited limited,
    int warmupJobs) {

  /**
   * The limited-drain phase: a concurrency limit of {@code limit} on the bench queue (or, with
   * {@code onJobtype}, on the bench jobs' type), each job held {@code work}, the limit set through
   * the JSON API at {@code web} (null: the command port + 1 on the same host, as 7419/7420).
   */
  public record Limited(int limit, Duration work, URI web, boolean onJobtype) {
    public static final Limited DEFAULT = new Limited(10, Duration.ofMillis(5), null);

    /** A limit on the bench queue. */
    public Limited(int limit, Duration work, URI web) {
      this(limit, work, web, false);
    }

    public Limited {
      if (limit < 1 || work == null || work.isNegative()) {
        throw new IllegalArgumentException("--limit must be at least 1 and --work-ms at least 0");
      }
    }
  }

  public BenchSettings {
    if (jobs < 1 || concurrency < 1 || batch < 1 || latencyRate < 1 || latencyJobs < 1) {
      throw new IllegalArgumentException(
          "jobs, concurrency, batch, latency rate and latency jobs must all be at least 1");
    }
    if (warmupJobs < 0) {
      throw new IllegalArgumentException("--warmup-jobs must be at least 0");
    }
    phases = List.copyOf(phases);
    if (engine == null) {
      engine = Engine.LOOP;
    }
    if (limited == null) {
      limited = Limited.DEFAULT;
    }
  }

  /**
   * Settings for {@code phases} against {@code connection}, starting from the command's defaults:
   * 100,000 jobs, 50 connections, PUSHB batches of 1,000, a latency phase of 10,000 jobs at 1,000
   * per second, the {@link Engine#LOOP} engine, no server pid, no latency trace, the default
   * limited drain, no warm-up.
   */
  public static Builder builder(ConnectionOptions connection, List<Phase> phases) {
    return new Builder(connection, phases);
  }

  /** Names each setting that differs from the defaults; {@link #build()} checks them. */
  public static final class Builder {
    private final ConnectionOptions connection;
    private final List<Phase> phases;
    private int jobs = 100_000;
    private int concurrency = 50;
    private int batch = 1000;
    private int latencyRate = 1000;
    private int latencyJobs = 10_000;
    private Long serverPid;
    private Engine engine = Engine.LOOP;
    private Path latencyTrace;
    private Limited limited = Limited.DEFAULT;
    private int warmupJobs;

    private Builder(ConnectionOptions connection, List<Phase> phases) {
      this.connection = connection;
      this.phases = phases;
    }

    public Builder jobs(int jobs) {
      this.jobs = jobs;
      return this;
    }

    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    public Builder batch(int batch) {
      this.batch = batch;
      return this;
    }

    /** The latency phase pushes {@code jobs} jobs at {@code rate} per second. */
    public Builder latency(int rate, int jobs) {
      this.latencyRate = rate;
      this.latencyJobs = jobs;
      return this;
    }

    /** Also report this process's VmRSS/VmHWM (null: none). */
    public Builder serverPid(Long serverPid) {
      this.serverPid = serverPid;
      return this;
    }

    public Builder engine(Engine engine) {
      this.engine = engine;
      return this;
    }

    /** Write every latency sample to {@code latencyTrace} (null: nowhere). */
    public Builder latencyTrace(Path latencyTrace) {
      this.latencyTrace = latencyTrace;
      return this;
    }

    public Builder limited(Limited limited) {
      this.limited = limited;
      return this;
    }

    /** Each push-bulk, push, push-unique and drain phase first runs {@code jobs} jobs untimed. */
    public Builder warmupJobs(int jobs) {
      this.warmupJobs = jobs;
      return this;
    }

    public BenchSettings build() {
      return new BenchSettings(
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
          limited,
          warmupJobs);
    }
  }

  /**
   * The engine that actually runs: the event loop speaks plain TCP only, so TLS falls back to one
   * thread per connection.
   */
  public Engine effectiveEngine() {
    return connection.sslSocketFactory() != null ? Engine.THREADS : engine;
  }
}
