package dev.fabrik.client.micrometer;

import dev.fabrik.client.worker.FailureFate;
import dev.fabrik.client.worker.JobContext;
import dev.fabrik.client.worker.JobListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's meters in a Micrometer registry; register it as a job listener:
 *
 * <pre>{@code
 * WorkerManager.builder(config)
 *     .listener(new MicrometerJobMetrics(meterRegistry))
 *     ...
 * }</pre>
 *
 * <table>
 *   <caption>Meters (names as Micrometer writes them; Prometheus shows {@code fabrik_jobs_started_total} etc.)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@code fabrik.jobs.started}</td><td>counter</td><td>jobtype, queue</td><td>runs begun</td></tr>
 *   <tr><td>{@code fabrik.jobs.succeeded}</td><td>counter</td><td>jobtype, queue</td><td>runs ACKed</td></tr>
 *   <tr><td>{@code fabrik.jobs.failed}</td><td>counter</td><td>jobtype, queue</td><td>runs FAILed (including timeouts)</td></tr>
 *   <tr><td>{@code fabrik.jobs.retried}</td><td>counter</td><td>jobtype, queue</td><td>failed runs the server will retry</td></tr>
 *   <tr><td>{@code fabrik.jobs.snoozed}</td><td>counter</td><td>jobtype, queue</td><td>runs that snoozed</td></tr>
 *   <tr><td>{@code fabrik.job.duration}</td><td>timer, histogram</td><td>jobtype, queue, outcome</td><td>handler time; outcome succeeded / failed / snoozed</td></tr>
 *   <tr><td>{@code fabrik.jobs.in.flight}</td><td>gauge</td><td></td><td>jobs running now in this worker</td></tr>
 *   <tr><td>{@code fabrik.fetch.duration}</td><td>timer</td><td>found (true/false)</td><td>FETCH round trips, including the server's wait when idle</td></tr>
 * </table>
 *
 * Meters of a job type and queue are created on first use and kept, so a job costs a map lookup and
 * a few increments. One instance per registry; it may serve several workers (the gauge then counts
 * all of them). Needs {@code io.micrometer:micrometer-core} on the classpath, which the client
 * otherwise does without.
 */
public final class MicrometerJobMetrics implements JobListener {
  private final MeterRegistry registry;
  private final Tags common;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentMap<Key, PerType> types = new ConcurrentHashMap<>();
  private final Timer fetchFound;
  private final Timer fetchEmpty;

  /** Meters in {@code registry} without extra tags. */
  public MicrometerJobMetrics(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /** Meters in {@code registry}, each carrying {@code commonTags} too (e.g. the worker's name). */
  public MicrometerJobMetrics(MeterRegistry registry, Tags commonTags) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.common = Objects.requireNonNull(commonTags, "commonTags");
    Gauge.builder("fabrik.jobs.in.flight", inFlight, AtomicInteger::get)
        .description("Jobs this worker is performing right now")
        .tags(common)
        .register(registry);
    fetchFound = fetchTimer("true");
    fetchEmpty = fetchTimer("false");
  }

  private Timer fetchTimer(String found) {
    return Timer.builder("fabrik.fetch.duration")
        .description("FETCH round trips; found=false ones include the server's wait for work")
        .tags(common)
        .tag("found", found)
        .register(registry);
  }

  @Override
  public void started(JobContext ctx) {
    inFlight.incrementAndGet();
    of(ctx).started.increment();
  }

  @Override
  public void succeeded(JobContext ctx, Duration took) {
    inFlight.decrementAndGet();
    PerType t = of(ctx);
    t.succeeded.increment();
    t.succeededTime.record(took);
  }

  @Override
  public void failed(JobContext ctx, Throwable error, Duration took, FailureFate fate) {
    inFlight.decrementAndGet();
    PerType t = of(ctx);
    t.failed.increment();
    if (fate.willRetry()) {
      t.retried.increment();
    }
    t.failedTime.record(took);
  }

  @Override
  public void snoozed(JobContext ctx, Duration delay, Duration took) {
    inFlight.decrementAndGet();
    PerType t = of(ctx);
    t.snoozed.increment();
    t.snoozedTime.record(took);
  }

  @Override
  public void fetched(Duration took, boolean found) {
    (found ? fetchFound : fetchEmpty).record(took);
  }

  private PerType of(JobContext ctx) {
    Key key = new Key(String.valueOf(ctx.type()), ctx.queue() == null ? "default" : ctx.queue());
    PerType t = types.get(key);
    return t != null ? t : types.computeIfAbsent(key, PerType::new);
  }

  private record Key(String jobtype, String queue) {}

  /** The meters of one job type on one queue. */
  private final class PerType {
    final Counter started;
    final Counter succeeded;
    final Counter failed;
    final Counter retried;
    final Counter snoozed;
    final Timer succeededTime;
    final Timer failedTime;
    final Timer snoozedTime;

    PerType(Key key) {
      Tags tags = common.and("jobtype", key.jobtype(), "queue", key.queue());
      started = counter("fabrik.jobs.started", "Job runs begun", tags);
      succeeded = counter("fabrik.jobs.succeeded", "Job runs that succeeded (ACK)", tags);
      failed = counter("fabrik.jobs.failed", "Job runs that failed (FAIL)", tags);
      retried = counter("fabrik.jobs.retried", "Failed runs the server will retry", tags);
      snoozed = counter("fabrik.jobs.snoozed", "Job runs that snoozed", tags);
      succeededTime = timer(tags, "succeeded");
      failedTime = timer(tags, "failed");
      snoozedTime = timer(tags, "snoozed");
    }

    private Counter counter(String name, String description, Tags tags) {
      return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private Timer timer(Tags tags, String outcome) {
      return Timer.builder("fabrik.job.duration")
          .description("Time in the handler (and middleware), by outcome")
          .tags(tags)
          .tag("outcome", outcome)
          .publishPercentileHistogram()
          .register(registry);
    }
  }
}
