package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.PasswordHash;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.workers.WorkerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Spec §2 and acceptance items 1–8: greeting, HELLO, passwords, silent closes, limits. */
class HandshakeTest {
  private FabrikServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private int start(String password) {
    server = TestServers.start(TestServers.config().password(password).build());
    return server.port();
  }

  @Test
  void greetingWithoutPasswordIsExactlyVersionTwo() throws IOException {
    try (RawClient c = RawClient.connect(start(null))) {
      assertThat(c.readReply()).isEqualTo("+HI {\"v\":2}\r\n");
      assertThat(c.call("HELLO {\"hostname\":\"h\",\"v\":2}")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void greetingWithPasswordCarriesIterationsAndSaltWithoutSpaces() throws IOException {
    try (RawClient c = RawClient.connect(start("secret"))) {
      String hi = c.readReply();
      assertThat(hi).startsWith("+HI {").endsWith("}\r\n");
      String json = hi.substring(4, hi.length() - 2);
      assertThat(json).doesNotContain(" ");
      JsonNode tree = JobCodec.MAPPER.readTree(json);
      assertThat(tree.get("v").intValue()).isEqualTo(2);
      assertThat(tree.get("i").intValue()).isBetween(4000, 8095);
      assertThat(tree.get("s").stringValue()).matches("[0-9a-f]{1,16}");
      assertThat(Long.parseUnsignedLong(tree.get("s").stringValue(), 16)).isNotNegative();
    }
  }

  @Test
  void iteratedHashIsAccepted() throws IOException {
    try (RawClient c = RawClient.connect(start("foobar"))) {
      JsonNode hi = greeting(c);
      String hash =
          PasswordHash.compute("foobar", hi.get("s").stringValue(), hi.get("i").intValue());
      assertThat(c.call("HELLO {\"v\":2,\"pwdhash\":\"" + hash + "\"}")).isEqualTo("+OK\r\n");
      assertThat(c.call("FLUSH")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void pythonStyleHelloWithoutVersionIsCheckedWithOneIteration() throws Exception {
    try (RawClient c = RawClient.connect(start("foobar"))) {
      JsonNode hi = greeting(c);
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("foobar" + hi.get("s").stringValue()).getBytes(StandardCharsets.UTF_8));
      String hash = HexFormat.of().formatHex(digest);
      // Python sends spaces after ':' and ',' and no "v".
      assertThat(c.call("HELLO {\"hostname\": \"py\", \"pid\": 1, \"pwdhash\": \"" + hash + "\"}"))
          .isEqualTo("+OK\r\n");
    }
  }

  @Test
  void wrongPasswordIsRefusedAndClosed() throws IOException {
    try (RawClient c = RawClient.connect(start("foobar"))) {
      greeting(c);
      assertThat(c.call("HELLO {\"v\":2,\"pwdhash\":\"00\"}"))
          .isEqualTo("-ERR Invalid password\r\n");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void missingPasswordIsRefused() throws IOException {
    try (RawClient c = RawClient.connect(start("foobar"))) {
      greeting(c);
      assertThat(c.call("HELLO {\"v\":2}")).isEqualTo("-ERR Invalid password\r\n");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void firstLineThatIsNotHelloClosesWithoutReply() throws IOException {
    int port = start(null);
    for (String first : new String[] {"hello {}", "PUSH {}", "HELLO{}", "HELLO \"\"", ""}) {
      try (RawClient c = RawClient.connect(port)) {
        c.readReply();
        c.send(first + "\r\n");
        assertThat(c.closedByServer()).as(first).isTrue();
      }
    }
  }

  @Test
  void undecodableHelloClosesWithoutReply() throws IOException {
    int port = start(null);
    String[] bad = {
      "{",
      "{\"pid\":\"12\"}",
      "{\"v\":300}",
      "{\"v\":-1}",
      "{\"v\":2.5}",
      "{\"wid\":7}",
      "{\"labels\":\"x\"}",
      "{\"labels\":[1]}"
    };
    for (String json : bad) {
      try (RawClient c = RawClient.connect(port)) {
        c.readReply();
        c.send("HELLO " + json + "\r\n");
        assertThat(c.closedByServer()).as(json).isTrue();
      }
    }
  }

  @Test
  void emptyHelloIsAProducerAndUnknownKeysAreIgnored() throws IOException {
    int port = start(null);
    try (RawClient c = RawClient.connect(port)) {
      c.readReply();
      assertThat(c.call("HELLO {}")).isEqualTo("+OK\r\n");
    }
    try (RawClient c = RawClient.connect(port)) {
      c.readReply();
      assertThat(c.call("HELLO {\"username\":\"u\",\"wid\":\"\",\"labels\":null,\"v\":1}"))
          .isEqualTo("+OK\r\n");
      assertThat(server.workers().list()).isEmpty();
    }
  }

  @Test
  void helloWithWidRegistersARunningWorkerUntilTheSocketCloses() throws IOException {
    int port = start(null);
    try (RawClient c = RawClient.connect(port)) {
      c.readReply();
      assertThat(
              c.call(
                  "HELLO {\"hostname\":\"box\",\"wid\":\"w1\",\"pid\":42,"
                      + "\"labels\":[\"blue\",\"seven\"],\"v\":2}"))
          .isEqualTo("+OK\r\n");
      assertThat(server.workers().list())
          .singleElement()
          .satisfies(
              w -> {
                assertThat(w.wid()).isEqualTo("w1");
                assertThat(w.hostname()).isEqualTo("box");
                assertThat(w.pid()).isEqualTo(42);
                assertThat(w.labels()).containsExactly("blue", "seven");
                assertThat(w.state()).isEqualTo(WorkerState.RUNNING);
              });
      assertThat(c.call("BEAT {\"wid\":\"w1\"}")).isEqualTo("+OK\r\n");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.workers().list().isEmpty());
  }

  @Test
  void clientThatNeverSaysHelloIsDroppedAfterTheHandshakeTimeout() throws IOException {
    server =
        TestServers.start(TestServers.config().handshakeTimeout(Duration.ofMillis(300)).build());
    try (RawClient c = RawClient.connect(server.port())) {
      c.readReply();
      c.send("HEL"); // a slow client: the deadline covers the whole line, not each read
      long start = System.nanoTime();
      assertThat(c.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.openSockets() == 0);
  }

  @Test
  void connectionsBeyondTheCapAreToldAndClosed() throws IOException {
    server = TestServers.start(TestServers.config().maxConnections(2).build());
    try (RawClient a = RawClient.producer(server.port());
        RawClient b = RawClient.producer(server.port());
        RawClient c = RawClient.connect(server.port())) {
      c.readReply();
      assertThat(c.call("HELLO {\"v\":2}")).isEqualTo("+OK\r\n");
      assertThat(c.readReply()).isEqualTo("-ERR too many connections: 2\r\n");
      assertThat(c.closedByServer()).isTrue();
      assertThat(a.call("FLUSH")).isEqualTo("+OK\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> server.connections() == 2);
      assertThat(b.call("FLUSH")).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void secondHelloIsAnUnknownCommand() throws IOException {
    try (RawClient c = RawClient.producer(start(null))) {
      assertThat(c.call("HELLO {\"v\":2}")).isEqualTo("-ERR unknown command HELLO\r\n");
    }
  }

  @Test
  void helloParsing() throws Exception {
    Hello h = Hello.parse("{\"v\":2,\"wid\":\"w\",\"pid\":3,\"labels\":[\"a\"],\"x\":{}}");
    assertThat(h.hashIterations(5000)).isEqualTo(5000);
    assertThat(Hello.parse("{}").hashIterations(5000)).isEqualTo(1);
    assertThat(Hello.parse("{\"v\":1}").hashIterations(5000)).isEqualTo(1);
    assertThat(h.labels()).containsExactly("a");
  }

  private static JsonNode greeting(RawClient c) throws IOException {
    String hi = c.readReply();
    return JobCodec.MAPPER.readTree(hi.substring(4, hi.length() - 2));
  }
}
