package dev.fabrik.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ProtocolConnectionTest {
  private FakeServer server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void handshakeWithoutPassword() throws Exception {
    server =
        FakeServer.start(
            (in, out) -> {
              write(out, "+HI {\"v\":2}\r\n");
              in.readLine(); // HELLO
              write(out, "+OK\r\n");
              in.readLine(); // PUSH
              write(out, "+OK\r\n");
              in.readLine(); // END
            });
    try (ProtocolConnection conn =
        ProtocolConnection.open(
            options().wid("w1").hostname("box").pid(42).labels(List.of("java", "x")).build())) {
      assertThat(conn.greeting().get("v").asInt()).isEqualTo(2);
      JsonNode hello = helloJson(server.nextLine());
      assertThat(hello.toString())
          .isEqualTo(
              "{\"v\":2,\"hostname\":\"box\",\"pid\":42,\"wid\":\"w1\",\"labels\":[\"java\",\"x\"]}");
      assertThat(conn.call("PUSH {\"jid\":\"abcdefgh\"}")).isEqualTo(Reply.OK);
      assertThat(server.nextLine()).isEqualTo("PUSH {\"jid\":\"abcdefgh\"}");
    }
    assertThat(server.nextLine()).isEqualTo("END");
  }

  @Test
  void handshakesOverACallersChannelThatThenGoesNonBlocking() throws Exception {
    server =
        FakeServer.start(
            (in, out) -> {
              write(out, "+HI {\"v\":2}\r\n");
              in.readLine(); // HELLO
              write(out, "+OK\r\n");
              in.readLine(); // PUSH
              write(out, "+OK\r\n");
            });
    try (SocketChannel channel =
        SocketChannel.open(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()))) {
      ProtocolConnection conn =
          ProtocolConnection.handshake(channel.socket(), options().hostname("h").pid(7).build());
      assertThat(conn.greeting().get("v").asInt()).isEqualTo(2);
      assertThat(helloJson(server.nextLine()).toString())
          .isEqualTo("{\"v\":2,\"hostname\":\"h\",\"pid\":7}");

      // The caller drives the channel itself from here on: nothing was left buffered.
      channel.configureBlocking(false);
      channel.write(ByteBuffer.wrap("PUSH {}\r\n".getBytes(StandardCharsets.US_ASCII)));
      assertThat(server.nextLine()).isEqualTo("PUSH {}");
      channel.configureBlocking(true);
      ByteBuffer reply = ByteBuffer.allocate(16);
      while (reply.position() < 5 && channel.read(reply) >= 0) {
        // a reply may arrive in pieces
      }
      assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII))
          .isEqualTo("+OK\r\n");
    }
  }

  @Test
  void producerHelloOmitsWidAndLabels() throws Exception {
    server = FakeServer.start(FakeServer.handshake("+HI {\"v\":2}"));
    try (ProtocolConnection conn =
        ProtocolConnection.open(options().hostname("h").pid(7).build())) {
      assertThat(helloJson(server.nextLine()).toString())
          .isEqualTo("{\"v\":2,\"hostname\":\"h\",\"pid\":7}");
    }
  }

  @Test
  void handshakeWithPasswordSendsIteratedHash() throws Exception {
    server =
        FakeServer.start(
            FakeServer.handshake("+HI {\"v\":2,\"i\":1545,\"s\":\"55104dc76695721d\"}"));
    try (ProtocolConnection conn = ProtocolConnection.open(options().password("foobar").build())) {
      JsonNode hello = helloJson(server.nextLine());
      assertThat(hello.get("pwdhash").asString())
          .isEqualTo(PasswordHash.compute("foobar", "55104dc76695721d", 1545))
          .isEqualTo("6d877f8e5544b1f2598768f817413ab8a357afffa924dedae99eb91472d4ec30");
      assertThat(conn.greeting().get("i").asInt()).isEqualTo(1545);
    }
  }

  @Test
  void passwordRequiredButNotConfigured() throws Exception {
    server = FakeServer.start((in, out) -> write(out, "+HI {\"v\":2,\"i\":4000,\"s\":\"ab\"}\r\n"));
    assertThatThrownBy(() -> ProtocolConnection.open(options().build()))
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("requires a password but none is configured");
  }

  @Test
  void wrongPasswordIsRefused() throws Exception {
    server =
        FakeServer.start(
            (in, out) -> {
              write(out, "+HI {\"v\":2,\"i\":4000,\"s\":\"ab\"}\r\n");
              in.readLine();
              write(out, "-ERR Invalid password\r\n");
            });
    assertThatThrownBy(() -> ProtocolConnection.open(options().password("nope").build()))
        .isInstanceOf(HandshakeException.class)
        .hasMessage("handshake refused: -ERR Invalid password");
  }

  @Test
  void silentCloseAfterHelloIsHandshakeFailure() throws Exception {
    server =
        FakeServer.start(
            (in, out) -> {
              write(out, "+HI {\"v\":2}\r\n");
              in.readLine();
            });
    assertThatThrownBy(() -> ProtocolConnection.open(options().build()))
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("closed the connection after HELLO");
  }

  @Test
  void garbageGreetingIsRejected() throws Exception {
    server = FakeServer.start((in, out) -> write(out, "+HELLO there\r\n"));
    assertThatThrownBy(() -> ProtocolConnection.open(options().build()))
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("expected +HI greeting, got +HELLO there");
  }

  @Test
  void errorReplyIsReturnedAndConnectionStaysUsable() throws Exception {
    server =
        FakeServer.start(
            FakeServer.handshake("+HI {\"v\":2}")
                .then(
                    (in, out) -> {
                      in.readLine();
                      write(out, "-ERR unknown command push\r\n");
                      in.readLine();
                      write(out, "$-1\r\n");
                    }));
    try (ProtocolConnection conn = ProtocolConnection.open(options().build())) {
      assertThat(conn.call("push x")).isEqualTo(new Reply.Error("ERR", "unknown command push"));
      assertThat(conn.call("FETCH default")).isEqualTo(Reply.NULL);
    }
  }

  @Test
  void pipelinedCommandsReadInOrder() throws Exception {
    server =
        FakeServer.start(
            FakeServer.handshake("+HI {\"v\":2}")
                .then(
                    (in, out) -> {
                      for (int i = 0; i < 3; i++) {
                        String line = in.readLine();
                        write(out, "$" + line.length() + "\r\n" + line + "\r\n");
                      }
                    }));
    try (ProtocolConnection conn = ProtocolConnection.open(options().build())) {
      conn.send("A 1");
      conn.send("B 22");
      conn.send("C 333");
      conn.flush();
      assertThat(((Reply.Bulk) conn.read()).text()).isEqualTo("A 1");
      assertThat(((Reply.Bulk) conn.read()).text()).isEqualTo("B 22");
      assertThat(((Reply.Bulk) conn.read()).text()).isEqualTo("C 333");
    }
  }

  @Test
  void droppedMidReplyThrows() throws Exception {
    server =
        FakeServer.start(
            FakeServer.handshake("+HI {\"v\":2}")
                .then(
                    (in, out) -> {
                      in.readLine();
                      write(out, "$14\r\n{some:");
                    }));
    try (ProtocolConnection conn = ProtocolConnection.open(options().build())) {
      assertThatThrownBy(() -> conn.call("FETCH default"))
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(EOFException.class)
          .hasMessageContaining("inside a bulk reply (6 of 14 bytes)");
    }
  }

  @Test
  void commandLinesMustNotContainNewlines() throws Exception {
    server = FakeServer.start(FakeServer.handshake("+HI {\"v\":2}"));
    try (ProtocolConnection conn = ProtocolConnection.open(options().build())) {
      assertThatThrownBy(() -> conn.send("PUSH {}\nFLUSH"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void connectionRefusedIsUncheckedIo() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    assertThatThrownBy(() -> ProtocolConnection.open(options().port(port).build()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot connect to 127.0.0.1:" + port);
  }

  @Test
  void randomJidIs24Hex() {
    String a = ProtocolConnection.randomJid();
    assertThat(a).matches("[0-9a-f]{24}");
    assertThat(ProtocolConnection.randomJid()).isNotEqualTo(a);
  }

  private ConnectionOptions.Builder options() {
    return ConnectionOptions.builder()
        .host("127.0.0.1")
        .port(server == null ? 0 : server.port())
        .hostname("test")
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10));
  }

  private static JsonNode helloJson(String line) {
    assertThat(line).startsWith("HELLO {");
    return JobCodec.MAPPER.readTree(line.substring("HELLO ".length()));
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The fake server's view of what the client sent. */
  @FunctionalInterface
  interface Lines {
    String readLine() throws IOException;
  }

  /** What the fake server does with its one connection. */
  @FunctionalInterface
  interface Script {
    void run(Lines in, OutputStream out) throws IOException;

    default Script then(Script next) {
      return (in, out) -> {
        run(in, out);
        next.run(in, out);
      };
    }
  }

  /**
   * Accepts one connection on 127.0.0.1:0, runs a script, records every line the client sent, and
   * closes the socket when the script ends.
   */
  static final class FakeServer implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread thread;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private FakeServer(ServerSocket listener, Script script) {
      this.listener = listener;
      this.thread =
          new Thread(
              () -> {
                try (Socket s = listener.accept()) {
                  LineReader reader = new LineReader(s.getInputStream(), 1 << 20);
                  Lines recording =
                      () -> {
                        String line = reader.readLine();
                        if (line != null) {
                          lines.add(line);
                        }
                        return line;
                      };
                  script.run(recording, s.getOutputStream());
                } catch (Throwable t) {
                  failure.set(t);
                }
              },
              "fake-server");
    }

    static Script handshake(String hi) {
      return (in, out) -> {
        write(out, hi + "\r\n");
        in.readLine();
        write(out, "+OK\r\n");
      };
    }

    static FakeServer start(Script script) throws IOException {
      FakeServer s =
          new FakeServer(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), script);
      s.thread.start();
      return s;
    }

    int port() {
      return listener.getLocalPort();
    }

    String nextLine() throws InterruptedException {
      String line = lines.poll(10, TimeUnit.SECONDS);
      assertThat(line).as("line received by the fake server").isNotNull();
      return line;
    }

    @Override
    public void close() throws Exception {
      listener.close();
      thread.join(10_000);
      if (failure.get() != null && !(failure.get() instanceof java.net.SocketException)) {
        throw new AssertionError("fake server failed", failure.get());
      }
    }
  }
}
