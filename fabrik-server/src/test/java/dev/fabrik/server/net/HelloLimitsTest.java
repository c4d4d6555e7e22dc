package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.workers.WorkerInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a worker says about itself in HELLO is kept while it lives and shown on the Busy page, so it
 * is bounded: over the limits, HELLO is refused with a reason; far over them, the first line is too
 * long to be a HELLO at all.
 */
class HelloLimitsTest {
  private FabrikServer server;

  @BeforeEach
  void start() {
    server = TestServers.start(TestServers.config().build());
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(5));
  }

  private String hello(String json) throws IOException {
    try (RawClient c = RawClient.connect(server.port())) {
      assertThat(c.readReply()).startsWith("+HI ");
      String reply = c.call("HELLO " + json);
      if (!reply.equals("+OK\r\n")) {
        assertThat(c.closedByServer()).isTrue();
      }
      return reply;
    }
  }

  private static String labels(int count, int chars) {
    return "[\"" + String.join("\",\"", Collections.nCopies(count, "l".repeat(chars))) + "\"]";
  }

  @Test
  void fieldsUpToTheirLimitsAreAcceptedAndBeyondThemRefused() throws IOException {
    String wid = "w".repeat(Hello.MAX_WID_CHARS);
    String json =
        "{\"wid\":\""
            + wid
            + "\",\"hostname\":\""
            + "h".repeat(Hello.MAX_HOSTNAME_CHARS)
            + "\",\"labels\":"
            + labels(Hello.MAX_LABELS, Hello.MAX_LABEL_CHARS)
            + ",\"v\":2}";
    try (RawClient c = RawClient.connect(server.port())) {
      c.readReply();
      assertThat(c.call("HELLO " + json)).isEqualTo("+OK\r\n");
      assertThat(server.workers().list()).extracting(WorkerInfo::wid).containsExactly(wid);

      // One over is refused, with the reason, and registers nothing.
      assertThat(hello("{\"wid\":\"" + "w".repeat(129) + "\"}"))
          .isEqualTo("-ERR wid is longer than 128 characters\r\n");
      assertThat(hello("{\"hostname\":\"" + "h".repeat(256) + "\"}"))
          .isEqualTo("-ERR hostname is longer than 255 characters\r\n");
      assertThat(hello("{\"labels\":" + labels(33, 1) + "}"))
          .isEqualTo("-ERR more than 32 labels\r\n");
      assertThat(hello("{\"labels\":" + labels(1, 129) + "}"))
          .isEqualTo("-ERR a label is longer than 128 characters\r\n");
      assertThat(server.workers().list()).extracting(WorkerInfo::wid).containsExactly(wid);
    }
  }

  @Test
  void aMegabyteWidIsNotAHello() throws IOException {
    try (RawClient c = RawClient.connect(server.port())) {
      c.readReply();
      boolean closedWhileSending = false;
      try {
        c.send("HELLO {\"wid\":\"" + "w".repeat(1 << 20) + "\"}\r\n");
      } catch (IOException e) {
        closedWhileSending = true; // the server did not wait for the end of it
      }
      assertThat(closedWhileSending || c.closedByServer()).isTrue();
    }
    assertThat(server.workers().size()).isZero();
  }
}
