package dev.fabrik.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.ProtocolConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * 200 connections throw garbage at a live server (random bytes, random lines, broken JSON, oversize
 * lines, half-sent commands, resets) while one well-behaved client keeps doing PUSH/FETCH/ACK. The
 * server must keep answering, keep the good client's jobs, and release every garbage connection.
 * Seeded: rerun a failure with {@code -Dfabrik.garbage.seed=<seed>}.
 */
class GarbageIT {
  private static final int CONNECTIONS = 200;
  private static final int PARALLEL = 12;
  private static final int MAX_LINE = 64 * 1024; // small cap, so oversize lines are cheap to send
  private static final String[] VERBS = {
    "PUSH", "PUSHB", "FETCH", "ACK", "FAIL", "BEAT", "INFO", "MUTATE", "QUEUE", "HELLO", "BATCH",
    "TRACK", "push", "Ack", "XYZZY", ""
  };

  @TempDir Path dataDir;

  @Test
  void garbageNeitherBreaksTheServerNorTheGoodClient() throws Exception {
    long seed = Long.getLong("fabrik.garbage.seed", System.nanoTime());
    System.out.println(
        "GarbageIT seed = " + seed + " (rerun with -Dfabrik.garbage.seed=" + seed + ")");
    Random seeds = new Random(seed);

    try (InProcessServer server =
            InProcessServer.start(InProcessServer.base().dataDir(dataDir).maxLineBytes(MAX_LINE));
        ProtocolConnection observer = server.connect()) {
      long baseline = Wire.connections(Wire.info(observer));
      assertThat(baseline).as("INFO server.connections").isPositive();

      GoodClient good = new GoodClient(server);
      Thread goodThread = Thread.ofPlatform().name("good-client").start(good);
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
      List<Future<?>> attacks = new ArrayList<>();
      int goodBefore;
      int goodDuring;
      long attackStart = System.nanoTime();
      try {
        await("the good client's first round trip")
            .atMost(Duration.ofSeconds(10))
            .until(() -> good.roundTrips.get() > 0 || good.failure != null);
        goodBefore = good.roundTrips.get();
        for (int i = 0; i < CONNECTIONS; i++) {
          long attackSeed = seeds.nextLong();
          int n = i;
          attacks.add(
              pool.submit(
                  () -> {
                    new Attack(
                            server.port(),
                            new Random(attackSeed),
                            "attack " + n + " seed " + attackSeed)
                        .run();
                    return null;
                  }));
        }
        for (Future<?> attack : attacks) {
          attack.get(60, TimeUnit.SECONDS); // rethrows an attack's failed assertion
        }
        goodDuring = good.roundTrips.get() - goodBefore;
      } finally {
        pool.shutdownNow();
        good.stop.set(true);
        goodThread.join(Duration.ofSeconds(20));
      }
      assertThat(goodThread.isAlive()).as("good client stopped").isFalse();
      good.rethrow();
      System.out.printf(
          "GarbageIT: %d attacks in %d ms; good client: %d round trips during them, %d in all%n",
          CONNECTIONS,
          (System.nanoTime() - attackStart) / 1_000_000,
          goodDuring,
          good.roundTrips.get());
      assertThat(goodDuring).as("good round trips while the attacks ran").isPositive();

      // The server still answers, every garbage connection is gone, no good job is lost.
      Set<String> drained = new HashSet<>();
      for (JsonNode job; (job = Wire.fetch(observer, "good")) != null; ) {
        drained.add(job.get("jid").asString());
        Wire.ack(observer, job.get("jid").asString());
      }
      Set<String> accounted = new HashSet<>(good.acked);
      accounted.addAll(drained);
      assertThat(accounted).as("good jobs").isEqualTo(good.pushed);
      await("connections back to the baseline of " + baseline)
          .atMost(Duration.ofSeconds(20))
          .until(() -> Wire.connections(Wire.info(observer)), c -> c == baseline);
    }
  }

  /** PUSH one, FETCH one, ACK it, checking each reply, until told to stop. */
  private static final class GoodClient implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger roundTrips = new AtomicInteger();
    final Set<String> pushed = new HashSet<>();
    final Set<String> acked = new HashSet<>();
    private final InProcessServer server;
    volatile Throwable failure;

    GoodClient(InProcessServer server) {
      this.server = server;
    }

    @Override
    public void run() {
      try (ProtocolConnection conn = server.connect()) {
        for (long n = 0; !stop.get(); n++) {
          ObjectNode job = Wire.job("good", "Good", n);
          Wire.push(conn, job);
          pushed.add(job.get("jid").asString());
          JsonNode fetched = Wire.fetch(conn, "good");
          assertThat(fetched).as("FETCH after PUSH").isNotNull();
          String jid = fetched.get("jid").asString();
          assertThat(pushed).as("fetched jid").contains(jid);
          assertThat(fetched.get("args").size()).isEqualTo(1);
          Wire.ack(conn, jid);
          acked.add(jid);
          roundTrips.incrementAndGet();
        }
      } catch (Throwable t) {
        failure = t;
      }
    }

    void rethrow() {
      if (failure != null) {
        throw new AssertionError("the well-behaved client failed", failure);
      }
    }
  }

  /** One hostile connection; the kind of garbage is drawn from its own seeded Random. */
  private record Attack(int port, Random random, String name) {
    void run() throws IOException {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int kind = random.nextInt(7);
        if (kind == 0) { // garbage instead of a handshake: the server must hang up
          readLine(in);
          out.write(randomBytes(1 + random.nextInt(2048)));
          out.write('\n');
          out.flush();
          expectClosed(in);
          return;
        }
        handshake(in, out);
        switch (kind) {
          case 1 -> out.write(randomBytes(1 + random.nextInt(8192)));
          case 2 -> out.write(randomLines().getBytes(StandardCharsets.UTF_8));
          case 3 -> out.write(truncatedCommand().getBytes(StandardCharsets.UTF_8)); // no newline
          case 4 -> oversizeLine(in, out);
          case 5 -> brokenJsonDialogue(in, out);
          default -> pipelinedBrokenCommands(in, out);
        }
        out.flush();
        if (random.nextBoolean()) {
          socket.setSoLinger(true, 0); // close with RST instead of FIN
        }
      } catch (SocketException reset) {
        // the server may hang up on garbage (reset/broken pipe); that is allowed
      }
    }

    private void handshake(InputStream in, OutputStream out) throws IOException {
      assertThat(readLine(in)).as(name).startsWith("+HI {");
      out.write(
          "HELLO {\"v\":2,\"hostname\":\"garbage\",\"pid\":1}\r\n"
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(readLine(in)).as(name).isEqualTo("+OK");
    }

    /** A line over the cap gets {@code -ERR}, and the connection stays usable. */
    private void oversizeLine(InputStream in, OutputStream out) throws IOException {
      byte[] huge = new byte[MAX_LINE + 1 + random.nextInt(4 * MAX_LINE)];
      for (int i = 0; i < huge.length; i++) {
        huge[i] = (byte) ('a' + random.nextInt(26));
      }
      out.write("PUSH ".getBytes(StandardCharsets.UTF_8));
      out.write(huge);
      if (random.nextInt(3) == 0) {
        out.flush(); // and vanish in the middle of the line
        return;
      }
      out.write("\r\nINFO\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(readLine(in)).as("%s: reply to an oversize line", name).startsWith("-ERR");
      assertThat(readReply(in)).as("%s: INFO after an oversize line", name).startsWith("$");
    }

    /** One broken command at a time: each gets an error reply, and INFO still works after. */
    private void brokenJsonDialogue(InputStream in, OutputStream out) throws IOException {
      int count = 1 + random.nextInt(20);
      for (int i = 0; i < count; i++) {
        String line = brokenCommand();
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertThat(readLine(in)).as("%s: reply to %s", name, abbreviate(line)).startsWith("-");
      }
      out.write("INFO\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(readReply(in)).as("%s: INFO after broken commands", name).startsWith("$");
      if (random.nextBoolean()) {
        out.write("END\r\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        expectClosed(in);
      }
    }

    /** Many broken commands written at once, replies never read, then a hang-up. */
    private void pipelinedBrokenCommands(InputStream in, OutputStream out) throws IOException {
      StringBuilder lines = new StringBuilder();
      int count = 1 + random.nextInt(50);
      for (int i = 0; i < count; i++) {
        lines.append(brokenCommand()).append(random.nextBoolean() ? "\r\n" : "\n");
      }
      out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A real verb with JSON that is cut short, mistyped or mangled: never a valid command. */
    private String brokenCommand() {
      String jid = Long.toHexString(random.nextLong());
      String job =
          "{\"jid\":\"" + jid + "\",\"jobtype\":\"G\",\"args\":[1,\"two\"],\"queue\":\"gq\"}";
      return switch (random.nextInt(10)) {
        case 0 -> "PUSH " + cut(job);
        case 1 -> "PUSHB [" + cut(job);
        case 2 -> "ACK " + cut("{\"jid\":\"" + jid + "\"}");
        case 3 -> "ACK {\"jid\":" + random.nextInt() + "}";
        case 4 -> "FAIL " + cut("{\"jid\":\"" + jid + "\",\"message\":\"m\",\"backtrace\":[]}");
        case 5 -> "BEAT " + cut("{\"wid\":\"" + jid + "\"}");
        case 6 -> "MUTATE " + cut("{\"cmd\":\"kill\",\"target\":\"retries\",\"filter\":{}}");
        case 7 -> "QUEUE FROB" + random.nextInt(100) + " gq";
        case 8 -> "PUSH {\"jid\":\"" + jid + "\",\"jobtype\":7,\"args\":{}}";
        default -> "push " + job; // verbs are case-sensitive
      };
    }

    /** A strict prefix of a JSON object or array is never valid JSON. */
    private String cut(String json) {
      return json.substring(0, random.nextInt(json.length()));
    }

    private String truncatedCommand() {
      String command = VERBS[random.nextInt(VERBS.length)] + " {\"jid\":\"abc";
      return command.substring(0, 1 + random.nextInt(command.length() - 1));
    }

    private String randomLines() {
      StringBuilder text = new StringBuilder();
      int lines = 1 + random.nextInt(30);
      for (int i = 0; i < lines; i++) {
        text.append(VERBS[random.nextInt(VERBS.length)]);
        int words = random.nextInt(4);
        for (int w = 0; w < words; w++) {
          text.append(' ');
          int len = random.nextInt(40);
          for (int c = 0; c < len; c++) {
            text.append((char) (0x21 + random.nextInt(0x5e)));
          }
        }
        text.append(random.nextBoolean() ? "\r\n" : "\n");
      }
      return text.toString();
    }

    private byte[] randomBytes(int n) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      return bytes;
    }

    /** After garbage in place of HELLO the server closes without a reply (maybe an -ERR first). */
    private void expectClosed(InputStream in) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        String line = readLine(in);
        if (line == null) {
          return;
        }
        assertThat(line).as("%s: only an error may precede the hang-up", name).startsWith("-");
      }
      throw new AssertionError(name + ": server kept the connection open");
    }

    /** A reply's first line; a bulk reply's payload is read and dropped. */
    private static String readReply(InputStream in) throws IOException {
      String head = readLine(in);
      if (head != null && head.startsWith("$") && !head.equals("$-1")) {
        int length = Integer.parseInt(head.substring(1));
        byte[] payload = in.readNBytes(length + 2);
        assertThat(payload).hasSize(length + 2);
        assertThat(payload[length]).isEqualTo((byte) '\r');
      }
      return head;
    }

    /** One reply line without CRLF, or null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b; (b = in.read()) != -1; ) {
        if (b == '\n') {
          int end = line.length();
          return end > 0 && line.charAt(end - 1) == '\r'
              ? line.substring(0, end - 1)
              : line.toString();
        }
        line.append((char) b);
      }
      return line.isEmpty() ? null : line.toString();
    }

    private static String abbreviate(String line) {
      return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }
  }
}
