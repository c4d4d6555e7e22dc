package dev.fabrik.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.TestServers;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code /health} is 200 only while the command port can serve; else 503 with the reason. */
class InfoReportHealthTest {

  @Test
  void healthFollowsTheCommandPort() {
    FabrikServer server = TestServers.start(TestServers.config().build());
    try {
      AtomicReference<String> problem = new AtomicReference<>();
      InfoReport info =
          new InfoReport(
              server.manager(),
              server.workers(),
              Clock.systemUTC(),
              () -> 0,
              () -> 0,
              problem::get);
      InfoReport.Health ok = info.health();
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.body().get("status").stringValue()).isEqualTo("ok");
      assertThat(ok.body().has("problem")).isFalse();

      problem.set("accept failing: java.io.IOException: Too many open files");
      InfoReport.Health failing = info.health();
      assertThat(failing.status()).isEqualTo(503);
      assertThat(failing.body().get("status").stringValue()).isEqualTo("unhealthy");
      assertThat(failing.body().get("problem").stringValue())
          .isEqualTo("accept failing: java.io.IOException: Too many open files");
      assertThat(failing.body().get("server").get("faktory_version").stringValue())
          .isEqualTo(InfoReport.FAKTORY_VERSION);

      assertThat(server.commandPortProblem()).isNull();
    } finally {
      server.stop(Duration.ofSeconds(5));
    }
    assertThat(server.commandPortProblem()).isEqualTo("stopped");
  }
}
