package dev.fabrik.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FabrikServerTest {

  @Test
  void refusesANonLoopbackBindingWithoutAPassword() {
    assertThatThrownBy(
            () ->
                new FabrikServer(
                    TestServers.config().bindHost("0.0.0.0").build(), Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a password");
    assertThatThrownBy(
            () ->
                new FabrikServer(
                    TestServers.config().webPort(0).webBindHost("0.0.0.0").build(),
                    Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void sqliteJobsSurviveARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    var config = TestServers.config().storage("sqlite").dataDir(dir).build();
    try (FabrikServer server = TestServers.start(config);
        RawClient c = RawClient.producer(server.port())) {
      assertThat(c.call("PUSH {\"jid\":\"durable-1\",\"jobtype\":\"T\",\"args\":[]}"))
          .isEqualTo("+OK\r\n");
    }
    try (FabrikServer server = TestServers.start(config);
        RawClient c = RawClient.producer(server.port())) {
      assertThat(c.bulk("FETCH default")).contains("\"jid\":\"durable-1\"");
    }
  }

  @Test
  void startsOnEphemeralPortsAndStops() throws Exception {
    try (FabrikServer server = FabrikServer.start(TestServers.config().webPort(0).build())) {
      assertThat(server.port()).isPositive();
      assertThat(server.webPort()).isPositive().isNotEqualTo(server.port());
      try (RawClient c = RawClient.producer(server.port())) {
        assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
      }
      server.stop(Duration.ofSeconds(5));
      assertThatThrownBy(() -> RawClient.connect(server.port()))
          .isInstanceOf(java.io.IOException.class);
    }
  }
}
