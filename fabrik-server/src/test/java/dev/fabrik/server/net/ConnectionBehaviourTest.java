package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a client sees over a real socket, whatever the connection layer looks like inside: frames
 * split across writes, terminators and the line cap, half-close, a client that never reads, END,
 * resets mid-command, many lockstep connections, and stop with a half-sent line.
 */
class ConnectionBehaviourTest {
  private static final Duration AWAIT = Duration.ofSeconds(20);

  private FabrikServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private int start() {
    server = TestServers.start(TestServers.config().build());
    return server.port();
  }

  private int start(int maxLineBytes) {
    server = TestServers.start(TestServers.config().maxLineBytes(maxLineBytes).build());
    return server.port();
  }

  private static String job(String jid, String queue) {
    return "{\"jid\":\"" + jid + "\",\"jobtype\":\"T\",\"args\":[],\"queue\":\"" + queue + "\"}";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes each chunk with its own write and flush, so each can travel in its own segment. */
  private static void writeChunks(RawClient c, byte[]... chunks) throws IOException {
    c.socket().setTcpNoDelay(true);
    OutputStream out = c.socket().getOutputStream();
    for (byte[] chunk : chunks) {
      out.write(chunk);
      out.flush();
    }
  }

  private static String jid(String bulkReply) {
    String body = bulkReply.substring(bulkReply.indexOf("\r\n") + 2, bulkReply.length() - 2);
    return JobCodec.MAPPER.readTree(body).get("jid").stringValue();
  }

  // ---------------------------------------------------------------- 1. split frames

  @Test
  void commandSentOneBytePerWriteGetsExactlyOneReply() throws IOException {
    try (RawClient c = RawClient.producer(start())) {
      byte[] line = utf8("PUSH " + job("jid-bytewise", "split") + "\r\n");
      byte[][] bytes = new byte[line.length][];
      for (int i = 0; i < line.length; i++) {
        bytes[i] = new byte[] {line[i]};
      }
      writeChunks(c, bytes);
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      // Had any fragment been taken for a command, its reply would come before this one.
      assertThat(jid(c.call("FETCH split"))).isEqualTo("jid-bytewise");
    }
  }

  @Test
  void crAndLfInSeparateWritesEndOneLine() throws IOException {
    try (RawClient c = RawClient.producer(start())) {
      writeChunks(c, utf8("PUSH " + job("jid-cr-then-lf", "split") + "\r"), utf8("\n"));
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      writeChunks(c, utf8("FETCH split\r"), utf8("\nFETCH split\r"), utf8("\n"));
      assertThat(jid(c.readReply())).isEqualTo("jid-cr-then-lf");
      assertThat(c.readReply()).isEqualTo("$-1\r\n");
    }
  }

  @Test
  void lineCompletedByALaterWriteIsAnsweredAfterThePipelinedOneBeforeIt() throws IOException {
    try (RawClient c = RawClient.producer(start())) {
      String second = "PUSH " + job("jid-second-half", "split") + "\r\n";
      int cut = second.length() / 2;
      writeChunks(
          c,
          utf8("PUSH " + job("jid-whole-first", "split") + "\r\n" + second.substring(0, cut)),
          utf8(second.substring(cut)));
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      assertThat(jid(c.call("FETCH split"))).isEqualTo("jid-whole-first");
      assertThat(jid(c.call("FETCH split"))).isEqualTo("jid-second-half");
    }
  }

  @Test
  void multiByteCharactersSplitAcrossWritesRoundTripByteForByte() throws IOException {
    try (RawClient c = RawClient.producer(start())) {
      String text = "grüße €";
      String job =
          "{\"jid\":\"jid-utf8-split\",\"jobtype\":\"T\",\"args\":[\""
              + text
              + "\"],"
              + "\"queue\":\"utf8\"}";
      byte[] line = utf8("PUSH " + job + "\r\n");
      // Cut inside 'ü' (2 bytes) and after the first and second byte of '€' (3 bytes).
      int u = indexOf(line, utf8("ü"));
      int euro = indexOf(line, utf8("€"));
      assertThat(u).isPositive();
      assertThat(euro).isGreaterThan(u);
      writeChunks(
          c,
          slice(line, 0, u + 1),
          slice(line, u + 1, euro + 1),
          slice(line, euro + 1, euro + 2),
          slice(line, euro + 2, line.length));
      assertThat(c.readReply()).isEqualTo("+OK\r\n");

      String reply = c.call("FETCH utf8");
      String body = reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
      assertThat(reply).startsWith("$" + utf8(body).length + "\r\n").endsWith("}\r\n");
      assertThat(body).contains("\"args\":[\"" + text + "\"]");
      JsonNode fetched = JobCodec.MAPPER.readTree(body);
      assertThat(fetched.get("args").get(0).stringValue()).isEqualTo(text);
    }
  }

  // ---------------------------------------------------------------- 2. terminators and the cap

  @Test
  void lfOnlyAndCrlfLinesMixInOneWrite() throws IOException {
    try (RawClient c = RawClient.producer(start())) {
      c.send(
          "PUSH "
              + job("jid-lf-one", "lf")
              + "\nPUSH "
              + job("jid-crlf-two", "lf")
              + "\r\nPUSH "
              + job("jid-lf-three", "lf")
              + "\n");
      for (int i = 0; i < 3; i++) {
        assertThat(c.readReply()).isEqualTo("+OK\r\n");
      }
      c.send("FETCH lf\nFETCH lf\r\nFETCH lf\nFETCH lf\n");
      assertThat(jid(c.readReply())).isEqualTo("jid-lf-one");
      assertThat(jid(c.readReply())).isEqualTo("jid-crlf-two");
      assertThat(jid(c.readReply())).isEqualTo("jid-lf-three");
      assertThat(c.readReply()).isEqualTo("$-1\r\n");
    }
  }

  @Test
  void lineOfExactlyTheCapIsACommandAndOneByteMoreIsTooLong() throws IOException {
    try (RawClient c = RawClient.producer(start(64))) {
      String verbAt64 = "NOPE " + "x".repeat(59);
      assertThat(verbAt64).hasSize(64);
      assertThat(c.call(verbAt64)).isEqualTo("-ERR unknown command NOPE\r\n");
      c.send(verbAt64 + "\n");
      assertThat(c.readReply()).isEqualTo("-ERR unknown command NOPE\r\n");

      String pushAt64 = "PUSH " + job("j".repeat(11), "cap");
      assertThat(pushAt64).hasSize(64);
      assertThat(c.call(pushAt64)).isEqualTo("+OK\r\n");

      assertThat(c.call(verbAt64 + "x")).isEqualTo("-ERR line too long (max 64 bytes)\r\n");
      c.send(verbAt64 + "x\n");
      assertThat(c.readReply()).isEqualTo("-ERR line too long (max 64 bytes)\r\n");
      assertThat(c.call("PUSH " + job("k".repeat(12), "cap")))
          .isEqualTo("-ERR line too long (max 64 bytes)\r\n");

      assertThat(jid(c.call("FETCH cap"))).isEqualTo("j".repeat(11));
      assertThat(c.call("FETCH cap")).isEqualTo("$-1\r\n");
    }
  }

  @Test
  void oversizedLineInSeveralWritesGetsOneErrorAndTheNextCommandInTheSameWriteRuns()
      throws IOException {
    try (RawClient c = RawClient.producer(start(64))) {
      writeChunks(
          c,
          utf8("PUSH " + "x".repeat(50)),
          utf8("y".repeat(50)),
          utf8("z".repeat(50)),
          utf8("w".repeat(50) + "\r\nPUSH " + job("jid-after", "big") + "\r\n"));
      assertThat(c.readReply()).isEqualTo("-ERR line too long (max 64 bytes)\r\n");
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      // Nothing else was queued up behind those two replies.
      assertThat(jid(c.call("FETCH big"))).isEqualTo("jid-after");
    }
  }

  // ---------------------------------------------------------------- 3. half-close

  @Test
  void halfCloseAfterPipelinedCommandsGetsEveryReplyThenEof() throws IOException {
    int port = start();
    try (RawClient c = RawClient.producer(port)) {
      c.send(
          "PUSH "
              + job("jid-half-1", "half")
              + "\r\nPUSH "
              + job("jid-half-2", "half")
              + "\r\nPUSH "
              + job("jid-half-3", "half")
              + "\r\n");
      c.socket().shutdownOutput();
      for (int i = 0; i < 3; i++) {
        assertThat(c.readReply()).as("reply %d", i + 1).isEqualTo("+OK\r\n");
      }
      assertThat(c.socket().getInputStream().read()).as("clean end of stream").isEqualTo(-1);
    }
    try (RawClient other = RawClient.producer(port)) {
      assertThat(jid(other.call("FETCH half"))).isEqualTo("jid-half-1");
      assertThat(jid(other.call("FETCH half"))).isEqualTo("jid-half-2");
      assertThat(jid(other.call("FETCH half"))).isEqualTo("jid-half-3");
      assertThat(other.call("FETCH half")).isEqualTo("$-1\r\n");
    }
    await().atMost(AWAIT).until(() -> server.openSockets() == 0);
  }

  // ---------------------------------------------------------------- 4. a client that never reads

  @Test
  void clientThatPipelinesWithoutReadingStallsOnlyItself() throws Exception {
    int port = start();
    int infos = 15_000;
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (Socket socket = new Socket()) {
      // A small receive buffer (no autotuning) so the server's writes back up early.
      socket.setReceiveBufferSize(64 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      RawClient hog = new RawClient(socket);
      assertThat(hog.readReply()).startsWith("+HI ");
      assertThat(hog.call("HELLO {\"v\":2}")).isEqualTo("+OK\r\n");

      long before = server.commandCount();
      long target = before + infos + 1;
      StringBuilder pipeline = new StringBuilder("INFO\r\n".repeat(infos));
      pipeline.append("PUSH ").append(job("jid-hog-last", "hog")).append("\r\n");
      byte[] bytes = utf8(pipeline.toString());
      Future<?> written =
          writer.submit(
              () -> {
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
                return null;
              });

      // Wait until the hog's connection has started and then made no progress between two polls
      // (its replies are backed up), or has finished outright (a layer that buffers them all).
      AtomicLong previous = new AtomicLong(-1);
      await()
          .atMost(AWAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                long now = server.commandCount();
                return now > before && (now == previous.getAndSet(now) || now >= target);
              });

      try (RawClient other = RawClient.producer(port)) {
        long started = System.nanoTime();
        assertThat(other.call("PUSH " + job("jid-meanwhile", "other"))).isEqualTo("+OK\r\n");
        assertThat(jid(other.call("FETCH other"))).isEqualTo("jid-meanwhile");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      }

      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      long lastCount = -1;
      for (int i = 0; i < infos; i++) {
        byte[] body = readBulk(in);
        long count =
            JobCodec.MAPPER.readTree(body).path("server").path("command_count").longValue();
        assertThat(count).as("INFO reply %d command_count", i).isGreaterThan(lastCount);
        lastCount = count;
      }
      assertThat(readLine(in)).isEqualTo("+OK");
      written.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      socket.getOutputStream().write(utf8("FETCH hog\r\n"));
      byte[] last = readBulk(in);
      assertThat(JobCodec.MAPPER.readTree(last).get("jid").stringValue()).isEqualTo("jid-hog-last");
    } finally {
      writer.shutdownNow(); // the socket is closed by now, so a blocked write has failed
      writer.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- 5. END

  @Test
  void endClosesWithoutReplyAndWhatFollowsItIsNotRun() throws IOException {
    int port = start();
    try (RawClient c = RawClient.producer(port)) {
      c.send(
          "PUSH "
              + job("jid-before-end", "end")
              + "\r\nEND\r\nPUSH "
              + job("jid-after-end", "end")
              + "\r\n");
      assertThat(c.readReply()).isEqualTo("+OK\r\n");
      assertThat(c.closedByServer()).as("closed with no reply to END").isTrue();
    }
    try (RawClient other = RawClient.producer(port)) {
      assertThat(jid(other.call("FETCH end"))).isEqualTo("jid-before-end");
      assertThat(other.call("FETCH end")).isEqualTo("$-1\r\n");
    }
  }

  // ---------------------------------------------------------------- 6. resets mid-command

  @Test
  void clientsResettingRightAfterACommandNeverHurtTheServer() throws IOException {
    int port = start();
    int resets = 40;
    Set<String> sent = new HashSet<>();
    try (RawClient keep = RawClient.producer(port)) {
      for (int i = 0; i < resets; i++) {
        String jid = "jid-reset-" + i;
        sent.add(jid);
        RawClient c = RawClient.producer(port);
        c.socket().setSoLinger(true, 0); // close with RST instead of FIN
        c.send("PUSH " + job(jid, "reset") + "\r\n");
        c.close();
        if (i % 10 == 0) {
          assertThat(keep.call("FETCH nothing-here")).isEqualTo("$-1\r\n");
        }
      }
      await().atMost(AWAIT).until(() -> server.openSockets() == 1);
      assertThat(server.connections()).isEqualTo(1);

      Set<String> landed = new HashSet<>();
      for (String reply; !(reply = keep.call("FETCH reset")).equals("$-1\r\n"); ) {
        assertThat(landed.add(jid(reply))).as("fetched once: %s", reply).isTrue();
      }
      assertThat(sent).containsAll(landed);
      assertThat(keep.call("PUSH " + job("jid-still-alive", "alive"))).isEqualTo("+OK\r\n");
    }
    await().atMost(AWAIT).until(() -> server.openSockets() == 0);
  }

  // ---------------------------------------------------------------- 7. many lockstep connections

  @Test
  void manyLockstepConnectionsLoseAndDuplicateNothing() throws Exception {
    int port = start();
    int connections = 100;
    int perConnection = 50;
    try (ExecutorService pushers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int n = 0; n < connections; n++) {
        int conn = n;
        done.add(
            pushers.submit(
                () -> {
                  try (RawClient c = RawClient.producer(port)) {
                    for (int i = 0; i < perConnection; i++) {
                      String reply = c.call("PUSH " + job("jid-many-" + conn + "-" + i, "many"));
                      assertThat(reply).isEqualTo("+OK\r\n");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      }
    }

    Set<String> fetched = ConcurrentHashMap.newKeySet();
    List<String> duplicates = new ArrayList<>();
    try (ExecutorService drainers = Executors.newFixedThreadPool(4)) {
      List<Future<?>> done = new ArrayList<>();
      for (int d = 0; d < 4; d++) {
        done.add(
            drainers.submit(
                () -> {
                  try (RawClient c = RawClient.producer(port)) {
                    for (String reply; !(reply = c.call("FETCH many")).equals("$-1\r\n"); ) {
                      String jid = jid(reply);
                      if (!fetched.add(jid)) {
                        synchronized (duplicates) {
                          duplicates.add(jid);
                        }
                      }
                      assertThat(c.call("ACK {\"jid\":\"" + jid + "\"}")).isEqualTo("+OK\r\n");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
      }
    }
    Set<String> expected = new HashSet<>();
    for (int n = 0; n < connections; n++) {
      for (int i = 0; i < perConnection; i++) {
        expected.add("jid-many-" + n + "-" + i);
      }
    }
    assertThat(duplicates).isEmpty();
    assertThat(fetched).hasSize(connections * perConnection).isEqualTo(expected);
    await().atMost(AWAIT).until(() -> server.openSockets() == 0);
  }

  // ---------------------------------------------------------------- 8. stop mid-pipeline

  @Test
  void stopWithAHalfSentLineReturnsPromptlyAndClosesTheSocket() throws IOException {
    int port = start();
    try (RawClient c = RawClient.producer(port);
        RawClient idle = RawClient.producer(port)) {
      assertThat(c.call("PUSH " + job("jid-before-stop", "stop"))).isEqualTo("+OK\r\n");
      c.send("PUSH {\"jid\":\"jid-half-sent\",\"jobt");
      long start = System.nanoTime();
      server.stop(Duration.ofSeconds(5));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(c.closedByServer()).as("no reply, just the close").isTrue();
      assertThat(idle.closedByServer()).isTrue();
      assertThat(server.openSockets()).isZero();
      assertThat(server.connections()).isZero();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] slice(byte[] bytes, int from, int to) {
    return Arrays.copyOfRange(bytes, from, to);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** One CRLF-terminated reply line without its terminator; fails on a bare LF or end of stream. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("end of stream after " + line.toString(StandardCharsets.UTF_8));
      }
      line.write(b);
    }
    byte[] bytes = line.toByteArray();
    assertThat(bytes).as("CR before LF").isNotEmpty().endsWith((byte) '\r');
    return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
  }

  /** A whole bulk reply's payload; checks the length header and the closing CRLF. */
  private static byte[] readBulk(InputStream in) throws IOException {
    String head = readLine(in);
    assertThat(head).startsWith("$").isNotEqualTo("$-1");
    int n = Integer.parseInt(head.substring(1));
    byte[] body = in.readNBytes(n + 2);
    assertThat(body).hasSize(n + 2);
    assertThat(body[n]).isEqualTo((byte) '\r');
    assertThat(body[n + 1]).isEqualTo((byte) '\n');
    return Arrays.copyOf(body, n);
  }
}
