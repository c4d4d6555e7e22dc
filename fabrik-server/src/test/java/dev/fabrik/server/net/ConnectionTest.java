package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Framing and connection fate: line cap, pipelining, half-sent lines, stop during FETCH. */
class ConnectionTest {
  private FabrikServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private static String job(String jid) {
    return "{\"jid\":\"" + jid + "\",\"jobtype\":\"T\",\"args\":[]}";
  }

  @Test
  void oversizedLineIsAnErrorAndTheNextCommandWorks() throws IOException {
    server = TestServers.start(TestServers.config().maxLineBytes(64).build());
    try (RawClient c = RawClient.producer(server.port())) {
      assertThat(c.call("PUSH " + "x".repeat(200)))
          .isEqualTo("-ERR line too long (max 64 bytes)\r\n");
      assertThat(c.call("PUSH " + job("jid-after-long"))).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void errorsNeverCloseTheConnection() throws IOException {
    server = TestServers.start(TestServers.config().build());
    try (RawClient c = RawClient.producer(server.port())) {
      for (String bad : new String[] {"NOPE", "PUSH", "PUSH {", "ACK x", "FAIL x", "BEAT x", ""}) {
        assertThat(c.call(bad)).as(bad).startsWith("-ERR ");
      }
      assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void pipelinedAckAndFetchGetBothRepliesInOrder() throws IOException {
    server = TestServers.start(TestServers.config().build());
    try (RawClient c = RawClient.producer(server.port())) {
      c.call("PUSH " + job("jid-first-1"));
      c.call("PUSH " + job("jid-second"));
      assertThat(c.bulk("FETCH default")).contains("jid-first-1");
      c.send("ACK {\"jid\":\"jid-first-1\"}\r\nFETCH default\r\nINFO\r\n");
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      String second = c.readReply();
      assertThat(second).startsWith("$").contains("jid-second");
      String info = c.readReply();
      assertThat(
              JobCodec.MAPPER
                  .readTree(info.substring(info.indexOf('{')))
                  .path("faktory")
                  .path("total_processed")
                  .longValue())
          .isEqualTo(1);
    }
  }

  @Test
  void halfSentCommandThenDisconnectLeavesNothingBehind() throws IOException {
    server = TestServers.start(TestServers.config().build());
    try (RawClient keep = RawClient.producer(server.port())) {
      for (int i = 0; i < 5; i++) {
        RawClient c = RawClient.producer(server.port());
        c.send("PUSH {\"jid\":\"half");
        c.close();
      }
      RawClient reset = RawClient.producer(server.port());
      reset.socket().setSoLinger(true, 0); // RST instead of FIN
      reset.send("FETCH def");
      reset.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> server.openSockets() == 1);
      assertThat(server.connections()).isEqualTo(1);
      assertThat(keep.call("FLUSH")).isEqualTo("+OK\r\n");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openSockets() == 0);
    assertThat(server.connections()).isZero();
  }

  @Test
  void stopWhileFetchIsBlockedReturnsPromptly() throws IOException {
    server = TestServers.start(TestServers.config().fetchWait(Duration.ofSeconds(30)).build());
    try (RawClient c = RawClient.worker(server.port(), "w-stop")) {
      long before = server.commandCount();
      c.send("FETCH default\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> server.commandCount() > before);
      long start = System.nanoTime();
      server.stop(Duration.ofSeconds(10));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(c.readReply()).isEqualTo("-ERR shutdown in progress\r\n");
      assertThat(c.closedByServer()).isTrue();
      assertThat(server.openSockets()).isZero();
      assertThat(server.workers().list()).isEmpty();
    }
  }

  @Test
  void stopIsIdempotentAndSafeBeforeStart() {
    FabrikServer never =
        new FabrikServer(TestServers.config().build(), java.time.Clock.systemUTC());
    never.stop(Duration.ofSeconds(1));
    never.stop(Duration.ofSeconds(1));
    server = TestServers.start(TestServers.config().build());
    server.stop(Duration.ofSeconds(1));
    server.stop(Duration.ofSeconds(1));
    server.close();
  }
}
