package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An error reply quotes at most the start of what the client sent: no line is echoed back whole.
 */
class ErrorRepliesTest {
  private static final String HUGE = "x".repeat(200_000);

  private FabrikServer server;
  private RawClient client;

  @BeforeEach
  void start() throws IOException {
    server = TestServers.start(TestServers.config().build());
    client = RawClient.producer(server.port());
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    server.stop(Duration.ofSeconds(5));
  }

  private String shortError(String line) throws IOException {
    String reply = client.call(line);
    assertThat(reply).startsWith("-").hasSizeLessThan(300);
    return reply;
  }

  @Test
  void unknownCommand() throws IOException {
    assertThat(shortError(HUGE))
        .isEqualTo("-ERR unknown command " + "x".repeat(64) + "… (200000 chars)\r\n");
    assertThat(client.call("NOPE")).isEqualTo("-ERR unknown command NOPE\r\n");
  }

  @Test
  void argumentsThatAreNotWhatTheVerbWants() throws IOException {
    assertThat(shortError("ACK " + HUGE)).startsWith("-ERR invalid ACK xxxx").contains("(200000");
    assertThat(shortError("FAIL " + HUGE)).startsWith("-ERR invalid FAIL xxx");
    assertThat(shortError("BEAT " + HUGE)).startsWith("-ERR invalid BEAT xxx");
    assertThat(shortError("BEAT {\"wid\":\"" + HUGE + "\"}")).startsWith("-ERR unknown worker xx");
    assertThat(shortError("QUEUE " + HUGE)).startsWith("-ERR no such QUEUE subcommand: XXX");
    assertThat(shortError("FAIL {\"jid\":\"" + HUGE + "\"}")).startsWith("-ERR Job not found xx");
  }

  @Test
  void jobsThatCannotBeDecodedOrStored() throws IOException {
    assertThat(shortError("PUSH " + HUGE)).hasSizeLessThan(200);
    shortError("PUSH {\"jid\":" + HUGE + "}");
    shortError("PUSHB [" + HUGE + "]");
    shortError("MUTATE {\"cmd\":" + HUGE + "}");
    assertThat(
            shortError(
                "PUSH {\"jid\":\"abcdefghijkl\",\"jobtype\":\"T\",\"args\":[],\"at\":\""
                    + HUGE
                    + "\"}"))
        .startsWith("-ERR invalid timestamp for 'at': \"xxx");
    assertThat(
            shortError(
                "PUSH {\"jid\":\"abcdefghijkl\",\"jobtype\":\"T\",\"args\":[],\"queue\":\""
                    + "%".repeat(200_000)
                    + "\"}"))
        .startsWith("-ERR cannot get \"%%%");
  }
}
