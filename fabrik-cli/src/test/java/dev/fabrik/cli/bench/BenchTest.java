package dev.fabrik.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BenchTest {
  private FabrikServer server;

  @BeforeEach
  void startServer() {
    server =
        FabrikServer.start(
            ServerConfig.builder()
                .port(0)
                .webPort(-1)
                .storage("memory")
                .handshakeTimeout(Duration.ofSeconds(30)) // a loaded CI box must not fail HELLO
                .build());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private ConnectionOptions options() {
    return ConnectionOptions.builder().host("127.0.0.1").port(server.port()).build();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyPhaseCompletesAndCountsAddUp(Engine engine) throws InterruptedException {
    BenchSettings settings =
        BenchSettings.builder(options(), Phase.parseList("push-bulk,push,drain,latency"))
            .jobs(2000)
            .concurrency(4)
            .batch(100)
            .latency(5000, 300)
            .serverPid(ProcessHandle.current().pid())
            .engine(engine)
            .build();
    Bench bench = new Bench(settings, null);
    BenchReport report = bench.run();

    assertThat(report.phases())
        .extracting(PhaseResult::phase)
        .containsExactly(Phase.PUSH_BULK, Phase.PUSH, Phase.DRAIN, Phase.LATENCY);
    assertThat(report.phases()).allSatisfy(p -> assertThat(p.firstError()).isNull());
    assertThat(report.phases().subList(0, 3)).allSatisfy(p -> assertThat(p.jobs()).isEqualTo(2000));
    PhaseResult latency = report.phases().get(3);
    assertThat(latency.jobs()).isEqualTo(300);
    assertThat(latency.latency().p50Ms()).isPositive();
    assertThat(latency.latency().p99Ms())
        .isBetween(latency.latency().p50Ms(), latency.latency().maxMs());
    assertThat(report.ok()).isTrue();

    // The server processed exactly the drained and latency jobs, and the bench queues are gone.
    assertThat(server.manager()).isNotNull();
    try (ProtocolConnection conn = ProtocolConnection.open(options())) {
      String info = ((Reply.Bulk) conn.call("INFO")).text();
      assertThat(info).doesNotContain(bench.queue());
    }
    assertThat(report.before().usedMemoryMb()).isGreaterThanOrEqualTo(0);
    assertThat(report.after().vmRssKb()).isPositive();
    // The in-process server is this JVM: its CPU per job is measured for the throughput phases
    // (0 is possible: /proc counts in 10 ms ticks, and 2000 jobs may take less).
    assertThat(report.phases().subList(0, 3))
        .allSatisfy(p -> assertThat(p.serverCpuMicrosPerJob()).isGreaterThanOrEqualTo(0));
    assertThat(latency.serverCpuMicrosPerJob()).isEqualTo(-1);
    assertThat(report.json())
        .contains("\"name\":\"latency\"", "\"ok\":true", "\"p99\":", "\"server_cpu_us_per_job\":");
    assertThat(report.table())
        .contains("push-bulk", "drain", "jobs/s", "srv us/job", "engine " + engine.label());
  }

  /** On the bench queue, or (--limit-scope jobtype) on the bench jobs' type. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void limitedDrainKeepsTheLimitAndRemovesItAfterwards(boolean onJobtype)
      throws InterruptedException {
    server.close();
    server =
        FabrikServer.start(
            ServerConfig.builder()
                .port(0)
                .webPort(0)
                .storage("memory")
                .handshakeTimeout(Duration.ofSeconds(30))
                .build());
    java.net.URI web = java.net.URI.create("http://127.0.0.1:" + server.webPort() + "/");
    BenchSettings settings =
        BenchSettings.builder(options(), List.of(Phase.LIMITED_DRAIN))
            .jobs(300)
            .concurrency(6)
            .limited(new BenchSettings.Limited(3, Duration.ofMillis(2), web, onJobtype))
            .build();
    BenchReport report = new Bench(settings, null).run();

    PhaseResult p = report.phases().getFirst();
    assertThat(p.firstError()).isNull();
    assertThat(p.jobs()).isEqualTo(300);
    assertThat(p.detail()).contains("limit 3, work 2 ms", "in flight", "FETCH round trip");
    assertThat(p.detail()).containsPattern("at most [123] in flight");
    assertThat(p.latency().maxMs()).isGreaterThanOrEqualTo(p.latency().p50Ms());
    String limits =
        dev.fabrik.client.admin.FabrikAdmin.connect(web, null).getJson("/api/limits").toString();
    assertThat(limits).doesNotContain("bench-", "bench.noop"); // the phase's limit is gone
  }

  @Test
  void limitedDrainNeedsMoreConnectionsThanItsLimit() throws InterruptedException {
    BenchSettings settings =
        BenchSettings.builder(options(), List.of(Phase.LIMITED_DRAIN))
            .jobs(10)
            .concurrency(3)
            .limited(new BenchSettings.Limited(3, Duration.ofMillis(1), null))
            .build();
    BenchReport report = new Bench(settings, null).run();
    assertThat(report.ok()).isFalse();
    assertThat(report.phases().getFirst().firstError()).contains("more connections");
  }

  @Test
  void theEventLoopPushesAndDrainsEveryJobExactlyOnce() {
    String queue = "loop-exact";
    LoopPhases loop = new LoopPhases(options(), 7); // 7 does not divide the job counts
    try (ProtocolConnection conn = ProtocolConnection.open(options())) {
      long processedBefore = processed(conn);

      Tally bulk = new Tally();
      loop.pushBulk(queue, 1001, 100, bulk);
      Tally push = new Tally();
      loop.push(queue, 999, false, push);
      assertThat(bulk.errors() + push.errors()).isZero();
      assertThat(bulk.done()).isEqualTo(1001);
      assertThat(push.done()).isEqualTo(999);
      assertThat(JobLines.queueSize(conn, queue)).isEqualTo(2000);

      Tally drain = new Tally();
      loop.drain(queue, 2000, drain);
      assertThat(drain.errors()).as("%s", drain.result(Phase.DRAIN, null, null)).isZero();
      assertThat(drain.done()).isEqualTo(2000);
      assertThat(JobLines.queueSize(conn, queue)).isZero();
      assertThat(processed(conn) - processedBefore).isEqualTo(2000); // each job ACKed once
    }
  }

  @Test
  void theEventLoopCountsErrorReplies() {
    LoopPhases loop = new LoopPhases(options(), 3);
    Tally push = new Tally();
    loop.push("c&c", 10, false, push); // an invalid queue name: every PUSH answers -ERR
    assertThat(push.done()).isZero();
    assertThat(push.errors()).isEqualTo(10);
    assertThat(push.result(Phase.PUSH, null, null).firstError())
        .startsWith("PUSH answered -ERR")
        .contains("queue names must match");

    Tally drain = new Tally();
    // An empty queue: each connection stops at its first FETCH that finds nothing (after the
    // server's ~2 s wait), though it was promised a job.
    loop.drain("loop-empty", 10, drain);
    assertThat(drain.done()).isZero();
    assertThat(drain.errors()).isEqualTo(3);
    assertThat(drain.result(Phase.DRAIN, null, null).firstError())
        .isEqualTo("FETCH answered null ($-1) while jobs were left");
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void theLatencyTraceHoldsEverySampleWithItsPushTime(Engine engine, @TempDir Path dir)
      throws Exception {
    Path trace = dir.resolve("latency.csv");
    Instant before = Instant.now();
    BenchSettings settings =
        BenchSettings.builder(options(), List.of(Phase.LATENCY))
            .jobs(200)
            .concurrency(3)
            .batch(10)
            .latency(2000, 150)
            .engine(engine)
            .latencyTrace(trace)
            .build();
    BenchReport report = new Bench(settings, null).run();
    Instant after = Instant.now();

    List<String> lines = Files.readAllLines(trace);
    assertThat(lines.getFirst()).isEqualTo("pushed_at,latency_ms");
    assertThat(lines).hasSize(151);
    double max = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      assertThat(Instant.parse(cells[0])).isBetween(before, after);
      max = Math.max(max, Double.parseDouble(cells[1]));
    }
    assertThat(max).isCloseTo(report.phases().getFirst().latency().maxMs(), within(0.001));
  }

  @Test
  void tlsUrlsFallBackToThreads() {
    BenchSettings tls =
        BenchSettings.builder(
                BenchTarget.parse("tcp+tls://127.0.0.1:1").build(), List.of(Phase.PUSH))
            .engine(Engine.LOOP)
            .build();
    assertThat(tls.effectiveEngine()).isEqualTo(Engine.THREADS);
    assertThat(BenchSettings.builder(options(), List.of(Phase.PUSH)).build().engine())
        .isEqualTo(Engine.LOOP);
  }

  private static long processed(ProtocolConnection conn) {
    Reply.Bulk info = (Reply.Bulk) conn.call("INFO");
    return JobLines.parse(info).path("faktory").path("total_processed").asLong();
  }

  @Test
  void aSinglePhaseCanRunAlone() throws InterruptedException {
    BenchSettings settings =
        BenchSettings.builder(options(), List.of(Phase.DRAIN))
            .jobs(500)
            .concurrency(2)
            .latency(1000, 1)
            .build();
    BenchReport report = new Bench(settings, null).run();
    assertThat(report.phases())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.ok()).as(p.firstError()).isTrue();
              assertThat(p.jobs()).isEqualTo(500);
            });
    assertThat(report.after().vmRssKb()).isEqualTo(-1);
  }

  @Test
  void aWarmUpRunsEachThroughputPhaseUntimedAndLeavesNoJobBehind() throws InterruptedException {
    BenchSettings settings =
        BenchSettings.builder(options(), Phase.parseList("push-bulk,push,drain"))
            .jobs(500)
            .concurrency(3)
            .batch(50)
            .warmupJobs(300)
            .build();
    BenchReport report = new Bench(settings, null).run();

    // Each phase counts its own jobs only, and found its queue holding exactly those: the
    // warm-up's jobs were removed before it started.
    assertThat(report.phases())
        .allSatisfy(
            p -> {
              assertThat(p.ok()).as(p.firstError()).isTrue();
              assertThat(p.jobs()).isEqualTo(500);
            });
    try (ProtocolConnection conn = ProtocolConnection.open(options())) {
      String info = ((Reply.Bulk) conn.call("INFO")).text();
      assertThat(info).as("the drain's warm-up ran too").contains("\"total_processed\":800");
    }
    assertThat(report.table()).contains("warm-up 300 jobs");
    assertThat(report.json()).contains("\"warmup_jobs\":300");
  }

  @Test
  void batchDrainRunsEveryJobOfOneBatchUpToItsCallback() throws InterruptedException {
    BenchSettings settings =
        BenchSettings.builder(options(), List.of(Phase.BATCH_DRAIN))
            .jobs(1500)
            .concurrency(3)
            .batch(500)
            .latency(1000, 1)
            .build();
    BenchReport report = new Bench(settings, null).run();
    assertThat(report.phases())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.ok()).as(p.firstError()).isTrue();
              assertThat(p.jobs()).isEqualTo(1500);
            });
  }
}
