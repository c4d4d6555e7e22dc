package dev.fabrik.bench;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.micrometer.MicrometerJobMetrics;
import dev.fabrik.client.opentelemetry.FabrikTracing;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Jobs per second of the Java worker framework against a running server, next to the same drain
 * done with raw FETCH + ACK, so the framework's overhead shows as a ratio. Not JMH: each point is
 * the throughput of a whole drain of N no-op jobs.
 *
 * <pre>
 * java -cp fabrik-bench/target/benchmarks.jar dev.fabrik.bench.WorkerThroughput \
 *     --url tcp://127.0.0.1:7419 --jobs 50000 --concurrency 1,20,100 [--instrumented-first true]
 * </pre>
 *
 * Both sides include opening their connections in the timed section. The raw side is the floor a
 * worker cannot beat: one connection per thread, FETCH, read the jid, ACK, nothing else.
 *
 * <p>The instrumented drain is the framework drain with both optional integrations on, as an
 * application would run them: {@code MicrometerJobMetrics} on a {@code SimpleMeterRegistry}, and
 * {@code FabrikTracing} on an OpenTelemetry SDK (a batch span processor feeding an exporter that
 * drops the spans), the jobs pushed inside a span through the tracing push hook so every run
 * continues a trace. Its ratio to the plain framework drain is the instrumentation's cost.
 */
public final class WorkerThroughput {
  private static final String JOB_TYPE = "noop";
  private static final int PUSH_BATCH = 1000;

  private final ClientConfig config;
  private final int jobs;

  private WorkerThroughput(ClientConfig config, int jobs) {
    this.config = config;
    this.jobs = jobs;
  }

  /** Runs every concurrency level and prints one table row per level. */
  public static void main(String[] args) throws Exception {
    String url = "tcp://127.0.0.1:7419";
    int jobs = 50_000;
    int[] levels = {1, 20, 100};
    boolean instrumentedFirst = false;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--url" -> url = args[i + 1];
        case "--jobs" -> jobs = Integer.parseInt(args[i + 1]);
        case "--instrumented-first" -> instrumentedFirst = Boolean.parseBoolean(args[i + 1]);
        case "--concurrency" ->
            levels = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    WorkerThroughput bench = new WorkerThroughput(ClientConfig.builder().url(url).build(), jobs);
    System.out.printf("%d no-op jobs per drain, %s%n", jobs, url);
    System.out.printf(
        "%-12s %14s %18s %8s %22s %14s%n",
        "concurrency",
        "raw jobs/s",
        "framework jobs/s",
        "ratio",
        "instrumented jobs/s",
        "instr/plain");
    // Both worker set-ups run once untimed first: otherwise whichever drain comes first pays for
    // the JIT, which at 20k-50k jobs outweighs the difference being measured.
    String warm = "bench-warmup-" + ProtocolConnection.randomJid();
    try (Instrumentation on = new Instrumentation()) {
      bench.frameworkDrain(warm, levels[0], null);
      bench.frameworkDrain(warm, levels[0], on);
    } finally {
      try (Client client = Client.connect(bench.config)) {
        client.queueRemove(warm);
      }
    }
    for (int c : levels) {
      String queue = "bench-" + ProtocolConnection.randomJid();
      try {
        double raw = bench.rawDrain(queue, c);
        // The later of two drains runs on a warmer JVM: alternate the order between runs.
        double framework = instrumentedFirst ? 0 : bench.frameworkDrain(queue, c, null);
        double instrumented;
        try (Instrumentation on = new Instrumentation()) {
          instrumented = bench.frameworkDrain(queue, c, on);
        }
        if (instrumentedFirst) {
          framework = bench.frameworkDrain(queue, c, null);
        }
        System.out.printf(
            "%-12d %14.0f %18.0f %8.2f %22.0f %14.2f%n",
            c, raw, framework, framework / raw, instrumented, instrumented / framework);
      } finally {
        try (Client client = Client.connect(bench.config)) {
          client.queueRemove(queue);
        }
      }
    }
  }

  /** Micrometer and OpenTelemetry as an application would switch them on. */
  private static final class Instrumentation implements AutoCloseable {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(BatchSpanProcessor.builder(new Discarding()).build())
                    .build())
            .build();
    final FabrikTracing tracing = FabrikTracing.create(otel);

    @Override
    public void close() {
      otel.close();
      meters.close();
    }
  }

  /** Exports nothing: the cost measured is the worker's, not a collector's. */
  private static final class Discarding implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Pushes N jobs with PUSHB, in batches so no command line gets huge. */
  private void fill(String queue) {
    fill(queue, config);
  }

  /** {@link #fill(String)} inside one span, through the tracing push hook. */
  private void fill(String queue, Instrumentation on) {
    Span span = on.otel.getTracer("bench").spanBuilder("fill").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      fill(queue, config.toBuilder().pushHook(on.tracing.pushHook()).build());
    } finally {
      span.end();
    }
  }

  private void fill(String queue, ClientConfig config) {
    try (Client client = Client.connect(config)) {
      List<Job> batch = new ArrayList<>(PUSH_BATCH);
      for (int i = 0; i < jobs; i++) {
        batch.add(Jobs.builder(JOB_TYPE).queue(queue).build());
        if (batch.size() == PUSH_BATCH || i == jobs - 1) {
          var rejected = client.pushBulk(batch);
          if (!rejected.isEmpty()) {
            throw new IllegalStateException("PUSHB rejected " + rejected);
          }
          batch.clear();
        }
      }
    }
  }

  /**
   * Each thread claims a slot before fetching, so exactly N FETCHes are sent and none waits on an
   * empty queue.
   *
   * <pre>C: FETCH q    S: $.. {"jid":"..",...}    C: ACK {"jid":".."}    S: +OK</pre>
   */
  private double rawDrain(String queue, int concurrency) throws InterruptedException {
    fill(queue);
    AtomicLong remaining = new AtomicLong(jobs);
    LongAdder acked = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      threads.add(Thread.ofPlatform().start(() -> rawWorker(queue, remaining, acked)));
    }
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - start;
    if (acked.sum() != jobs) {
      throw new IllegalStateException("raw workers acked " + acked.sum() + " of " + jobs);
    }
    return jobs * 1e9 / elapsed;
  }

  private void rawWorker(String queue, AtomicLong remaining, LongAdder acked) {
    var opts = config.withWid(ProtocolConnection.randomJid()).toConnectionOptions();
    try (ProtocolConnection conn = ProtocolConnection.open(opts)) {
      while (remaining.getAndDecrement() > 0) {
        Reply reply = conn.call("FETCH " + queue);
        if (!(reply instanceof Reply.Bulk bulk)) {
          throw new IllegalStateException("FETCH answered " + reply);
        }
        String jid = JobCodec.MAPPER.readTree(bulk.payload()).get("jid").asString();
        Reply ack = conn.call("ACK {\"jid\":\"" + jid + "\"}");
        if (!(ack instanceof Reply.Simple)) {
          throw new IllegalStateException("ACK answered " + ack);
        }
        acked.increment();
      }
    }
  }

  /** Timed from start() to the Nth completion; stopping (up to one FETCH wait) is not timed. */
  private double frameworkDrain(String queue, int concurrency, Instrumentation on)
      throws InterruptedException {
    if (on == null) {
      fill(queue);
    } else {
      fill(queue, on);
    }
    LongAdder done = new LongAdder();
    CountDownLatch allDone = new CountDownLatch(jobs);
    WorkerManager.Builder builder =
        WorkerManager.builder(config.withWid(ProtocolConnection.randomJid()));
    if (on != null) {
      builder.use(on.tracing.middleware()).listener(new MicrometerJobMetrics(on.meters));
    }
    WorkerManager manager =
        builder
            .concurrency(concurrency)
            .queues(queue)
            .register(
                JOB_TYPE,
                (ctx, args) -> {
                  done.increment();
                  allDone.countDown();
                })
            .shutdownHook(false)
            .build();
    long start = System.nanoTime();
    manager.start();
    allDone.await();
    long elapsed = System.nanoTime() - start;
    manager.stop(Duration.ofSeconds(5));
    if (done.sum() != jobs) {
      throw new IllegalStateException("framework performed " + done.sum() + " of " + jobs);
    }
    return jobs * 1e9 / elapsed;
  }
}
