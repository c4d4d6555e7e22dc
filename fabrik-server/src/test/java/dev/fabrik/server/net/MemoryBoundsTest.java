package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.command.CommandHandler;
import dev.fabrik.server.command.CommandTable;
import dev.fabrik.server.config.ServerConfig;
import dev.fabrik.server.workers.WorkerRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever clients send, what the server buffers for them stays within the memory budget: the first
 * line is capped small, a line the budget cannot hold is refused with {@code -ERR} and its
 * connection closed while lines that fit are all served, a client that never reads parks little,
 * and the budget is whole again once the clients are gone.
 */
class MemoryBoundsTest {
  private static final Duration AWAIT = Duration.ofSeconds(20);

  /** {@code SIZE <text>}: the length of the text, so a test needs no storage for big lines. */
  private static final CommandHandler SIZE =
      (argument, session) -> Reply.bulk(String.valueOf(argument == null ? 0 : argument.length()));

  /** {@code BIG}: a reply of 1000 bytes. */
  private static final CommandHandler BIG = (argument, session) -> Reply.bulk("b".repeat(1000));

  private Listener listener;

  @AfterEach
  void stop() {
    if (listener != null) {
      listener.stop(Duration.ofSeconds(5));
    }
  }

  private int start(ServerConfig.Builder config) {
    listener =
        new Listener(
            config.build(),
            CommandTable.of(Map.of("SIZE", SIZE, "BIG", BIG)),
            new WorkerRegistry(Clock.systemUTC()),
            Clock.systemUTC(),
            new ConnectionStats());
    listener.start();
    return listener.port();
  }

  private static void write(RawClient c, String text) throws IOException {
    OutputStream out = c.socket().getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void beforeHelloALineIsCappedSmall() throws IOException {
    // A long handshake timeout: only the cap can close this connection within the read timeout.
    int port = start(TestServers.config().handshakeTimeout(Duration.ofSeconds(60)));
    try (RawClient c = RawClient.connect(port)) {
      assertThat(c.readReply()).startsWith("+HI ");
      write(c, "HELLO {\"wid\":\"" + "w".repeat(Hello.MAX_LINE_BYTES + 10));
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(listener.budget().used()).isZero();
  }

  @Test
  void aLineTheBudgetCannotHoldIsRefusedWhileLinesThatFitAreServed() throws Exception {
    int port = start(TestServers.config().maxLineBytes(4 << 20).maxBufferedBytes(2 << 20));
    String partOfB = "b".repeat(300_000);
    String partOfC = "c".repeat(300_000);
    try (RawClient b = RawClient.producer(port);
        RawClient c = RawClient.producer(port);
        RawClient a = RawClient.producer(port);
        RawClient good = RawClient.producer(port)) {
      write(b, "SIZE " + partOfB);
      write(c, "SIZE " + partOfC);
      await().atMost(AWAIT).until(() -> listener.budget().used() >= 600_000);

      // 1.5 MB more does not fit beside them: A is told so and closed.
      Thread attacker =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      write(a, "SIZE " + "a".repeat(1_500_000));
                    } catch (IOException e) {
                      // closed by the server while still sending: expected
                    }
                  });
      assertThat(a.readReply())
          .isEqualTo(
              "-ERR server buffers are full (max_buffered_bytes); closing this connection, retry"
                  + " later\r\n");
      assertThat(a.closedByServer()).isTrue();
      attacker.join(AWAIT.toMillis());

      assertThat(good.call("SIZE small")).isEqualTo("$1\r\n5\r\n");
      write(b, "\r\n");
      write(c, "\r\n");
      assertThat(b.readReply()).isEqualTo("$6\r\n300000\r\n");
      assertThat(c.readReply()).isEqualTo("$6\r\n300000\r\n");
      assertThat(good.call("SIZE " + "g".repeat(1_000_000))).isEqualTo("$7\r\n1000000\r\n");
    }
    await().atMost(AWAIT).until(() -> listener.budget().used() == 0);
  }

  @Test
  void aClientThatNeverReadsParksLittleAndOthersAreServed() throws Exception {
    int port = start(TestServers.config());
    try (RawClient reader = RawClient.producer(port);
        RawClient never = RawClient.producer(port)) {
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try {
                  write(never, "BIG\r\n".repeat(20_000));
                } catch (IOException e) {
                  // the test ended and closed the socket
                }
              });
      // Served until the socket buffers and the outbox are full, then no more.
      AtomicLong last = new AtomicLong(-1);
      await()
          .atMost(AWAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> last.getAndSet(listener.commandCount()) == listener.commandCount());
      // Kernel send buffer (capped at 256 KB) + the client's receive buffer + the 64 KB outbox,
      // in replies of ~1 KB; an uncapped send buffer would take 4 MB.
      assertThat(listener.commandCount()).isLessThan(1500);
      // The outbox (64 KB and a step) and one read's worth of lines waiting behind it.
      assertThat(listener.budget().used())
          .isLessThanOrEqualTo(
              ChannelConnection.MAX_PENDING + Outbox.CHARGE_STEP + EventLoop.READ_BUFFER);
      assertThat(reader.call("SIZE ok")).isEqualTo("$1\r\n2\r\n");
    }
  }
}
