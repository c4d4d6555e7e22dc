package dev.fabrik.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

  @Test
  void everyPhaseCompletesAndCountsAddUp() throws InterruptedException {
    BenchSettings settings =
        new BenchSettings(
            options(),
            2000,
            4,
            100,
            Phase.parseList("push-bulk,push,drain,latency"),
            5000,
            300,
            ProcessHandle.current().pid());
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
    assertThat(report.json()).contains("\"name\":\"latency\"", "\"ok\":true", "\"p99\":");
    assertThat(report.table()).contains("push-bulk", "drain", "jobs/s");
  }

  @Test
  void aSinglePhaseCanRunAlone() throws InterruptedException {
    BenchSettings settings =
        new BenchSettings(options(), 500, 2, 1000, List.of(Phase.DRAIN), 1000, 1, null);
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
}
