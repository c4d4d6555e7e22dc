package dev.fabrik.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The push-unique phase: every job takes a lock of its own, and a repeat is refused. */
class PushUniquePhaseTest {
  private FabrikServer server;

  @BeforeEach
  void startServer() {
    server =
        FabrikServer.start(
            ServerConfig.builder()
                .port(0)
                .webPort(-1)
                .storage("memory")
                .handshakeTimeout(Duration.ofSeconds(30))
                .build());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private ConnectionOptions options() {
    return ConnectionOptions.builder().host("127.0.0.1").port(server.port()).build();
  }

  private Throughput engine(Engine engine) {
    return engine == Engine.LOOP
        ? new LoopPhases(options(), 3)
        : new ThroughputPhases(options(), 3);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyUniquePushIsStoredAndASecondPhaseTakesLocksOfItsOwn(Engine engine)
      throws InterruptedException {
    Tally first = new Tally();
    engine(engine).push("unique-bench", 500, true, first);
    assertThat(first.errors()).isZero();
    assertThat(first.done()).isEqualTo(500);

    Tally again = new Tally();
    engine(engine).push("unique-bench", 300, true, again);
    assertThat(again.errors()).as("%s", again.result(Phase.PUSH_UNIQUE, null, null)).isZero();
    try (ProtocolConnection conn = ProtocolConnection.open(options())) {
      assertThat(JobLines.queueSize(conn, "unique-bench")).isEqualTo(800);
      // The same job again is refused: each pushed job holds its lock.
      String duplicate = JobLines.pushUnique("unique-bench", JobLines.uniqueBase() - 1);
      assertThat(conn.call(duplicate)).isEqualTo(Reply.OK);
      assertThat(
              conn.call(
                  duplicate.replaceFirst("\"jid\":\"[0-9a-f]+\"", "\"jid\":\"another-jid-1\"")))
          .isEqualTo(Reply.error("NOTUNIQUE", "Job not unique"));
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void thePhaseRunsFromTheCommandLineList(Engine engine) throws InterruptedException {
    BenchSettings settings =
        BenchSettings.builder(options(), Phase.parseList("push-unique"))
            .jobs(300)
            .concurrency(2)
            .batch(100)
            .latency(100, 1)
            .engine(engine)
            .build();
    BenchReport report = new Bench(settings, null).run();
    assertThat(report.phases())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.ok()).as(p.firstError()).isTrue();
              assertThat(p.jobs()).isEqualTo(300);
            });
    assertThat(report.table()).contains("push-unique");
  }
}
