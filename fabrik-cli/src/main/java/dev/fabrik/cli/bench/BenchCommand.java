package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ProtocolException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fabrik bench}: a load generator to run against your own server, over the raw protocol. Its
 * jobs live in a queue of its own that is removed afterwards, so it is safe on a server with real
 * data (it does add to the processed counters).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure a running server: push-bulk, push, drain and latency phases.")
public final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:FAKTORY_URL:-tcp://127.0.0.1:7419}",
      description =
          "Server, e.g. tcp://:password@127.0.0.1:7419 (default FAKTORY_URL or"
              + " tcp://127.0.0.1:7419).")
  String url;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Jobs per throughput phase (default ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--concurrency",
      paramLabel = "C",
      defaultValue = "50",
      description = "Connections per phase (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "1000",
      description = "Jobs per PUSHB (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--phases",
      paramLabel = "LIST",
      defaultValue = "push-bulk,push,drain,latency",
      description =
          "Comma-separated phases to run (default ${DEFAULT-VALUE}); also push-unique (push with"
              + " custom.unique_for, args of its own per job) and ack-wait: the ACK"
              + " round trip while the other connections flood PUSHB (--jobs in all), and"
              + " batch-drain: drain with every job in one batch, timed to its complete callback, and"
              + " limited-drain: drain under a concurrency limit of --limit, each job held"
              + " --work-ms, with how long a freed slot stays idle.")
  String phases;

  @Option(
      names = "--latency-rate",
      paramLabel = "JOBS/S",
      defaultValue = "1000",
      description = "Push rate of the latency phase (default ${DEFAULT-VALUE}).")
  int latencyRate;

  @Option(
      names = "--latency-jobs",
      paramLabel = "N",
      description = "Jobs in the latency phase (default: --jobs, at most 10 s worth at the rate).")
  Integer latencyJobs;

  @Option(
      names = "--server-pid",
      paramLabel = "PID",
      description = "Also report the server's VmRSS/VmHWM from /proc/PID/status.")
  Long serverPid;

  @Option(
      names = "--engine",
      paramLabel = "loop|threads",
      defaultValue = "loop",
      converter = EngineConverter.class,
      description =
          "Load generator: loop (one event-loop thread, the default) or threads (one thread per"
              + " connection, as in the first published figures). TLS always uses threads.")
  Engine engine;

  @Option(
      names = "--latency-trace",
      paramLabel = "FILE",
      description =
          "Write every latency-phase sample to FILE as CSV (pushed_at,latency_ms), to match slow"
              + " ones to the server's GC, safepoint or checkpoint log.")
  Path latencyTrace;

  @Option(
      names = "--limit",
      paramLabel = "L",
      defaultValue = "10",
      description = "limited-drain: the queue's concurrency limit (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--limit-scope",
      paramLabel = "SCOPE",
      defaultValue = "queue",
      description =
          "limited-drain: what --limit limits: queue (the bench queue) or jobtype (the bench jobs'"
              + " type, bench.noop) (default ${DEFAULT-VALUE}).")
  String limitScope;

  @Option(
      names = "--work-ms",
      paramLabel = "MS",
      defaultValue = "5",
      description =
          "limited-drain: how long each job is held before its ACK (default ${DEFAULT-VALUE}).")
  int workMs;

  @Option(
      names = "--web-url",
      paramLabel = "URL",
      description =
          "limited-drain: the server's web/API address, where it sets the limit (default: the"
              + " --url host, its port + 1).")
  java.net.URI webUrl;

  @Option(
      names = "--warmup-jobs",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Before each push-bulk, push, push-unique and drain phase, run it untimed with N jobs"
              + " (default ${DEFAULT-VALUE}): a fresh server compiles its code paths meanwhile, so"
              + " the timed phase measures a warm server.")
  int warmupJobs;

  @Option(names = "--json", description = "Print the report as JSON on stdout.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Accepts the lowercase names shown in the help. */
  static final class EngineConverter implements CommandLine.ITypeConverter<Engine> {
    @Override
    public Engine convert(String value) {
      for (Engine e : Engine.values()) {
        if (e.label().equals(value)) {
          return e;
        }
      }
      throw new CommandLine.TypeConversionException("choose loop or threads, not " + value);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BenchSettings settings;
    try {
      int latency =
          latencyJobs != null ? latencyJobs : (int) Math.min(jobs, 10L * Math.max(1, latencyRate));
      settings =
          BenchSettings.builder(BenchTarget.parse(url).build(), Phase.parseList(phases))
              .jobs(jobs)
              .concurrency(concurrency)
              .batch(batch)
              .latency(latencyRate, latency)
              .serverPid(serverPid)
              .engine(engine)
              .latencyTrace(latencyTrace)
              .limited(
                  new BenchSettings.Limited(
                      limit, java.time.Duration.ofMillis(workMs), webUrl, onJobtype(limitScope)))
              .warmupJobs(warmupJobs)
              .build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    BenchReport report;
    try {
      report = new Bench(settings, json ? null : err).run();
    } catch (UncheckedIOException | ProtocolException e) {
      err.println(
          "fabrik bench: cannot talk to the server at "
              + BenchTarget.redact(url)
              + ": "
              + e.getMessage());
      err.flush();
      return 1;
    }
    out.print(json ? report.json() : report.table());
    out.flush();
    return report.ok() ? 0 : 1;
  }

  private static boolean onJobtype(String scope) {
    return switch (scope) {
      case "queue" -> false;
      case "jobtype" -> true;
      default ->
          throw new IllegalArgumentException(
              "--limit-scope must be queue or jobtype, not \"" + scope + "\"");
    };
  }
}
