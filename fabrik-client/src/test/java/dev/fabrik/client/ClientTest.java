package dev.fabrik.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.PasswordHash;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ClientTest {

  @Test
  void handshakeWithoutPasswordSendsNoHash() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.answer("+OK\r\n");
                  s.readLine(); // END
                });
        Client client = Client.connect(server.config().hostname("h1").build())) {
      JsonNode hello = JobCodec.MAPPER.readTree(server.nextLine().substring("HELLO ".length()));
      assertThat(hello.path("v").asInt()).isEqualTo(2);
      assertThat(hello.path("hostname").asString()).isEqualTo("h1");
      assertThat(hello.has("pwdhash")).isFalse();
      assertThat(hello.has("wid")).isFalse();

      client.push(Jobs.of("SendEmail", 42));
      JsonNode pushed = JobCodec.MAPPER.readTree(server.nextLine().substring("PUSH ".length()));
      assertThat(pushed.path("jobtype").asString()).isEqualTo("SendEmail");
      assertThat(pushed.path("args").toString()).isEqualTo("[42]");
    }
  }

  @Test
  void handshakeWithPasswordSendsHashAndWorkerIdentity() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.write("+HI {\"v\":2,\"i\":3,\"s\":\"abc\"}\r\n");
                  s.answer("+OK\r\n");
                  s.readLine();
                });
        Client client =
            Client.connect(
                server.config().password("secret").wid("w1").labels(List.of("java")).build())) {
      JsonNode hello = JobCodec.MAPPER.readTree(server.nextLine().substring("HELLO ".length()));
      assertThat(hello.path("pwdhash").asString())
          .isEqualTo(PasswordHash.compute("secret", "abc", 3));
      assertThat(hello.path("wid").asString()).isEqualTo("w1");
      assertThat(hello.path("labels").toString()).isEqualTo("[\"java\"]");
      assertThat(client.isBroken()).isFalse();
    }
  }

  @Test
  void refusedHandshakeIsAConnectionException() throws Exception {
    try (FakeServer server =
        new FakeServer(
            s -> {
              s.write("+HI {\"v\":2,\"i\":1,\"s\":\"x\"}\r\n");
              s.answer("-ERR invalid password\r\n");
            })) {
      assertThatThrownBy(() -> Client.connect(server.config().password("wrong").build()))
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("invalid password");
    }
  }

  @Test
  void passwordRequiredButNotConfigured() throws Exception {
    try (FakeServer server =
        new FakeServer(s -> s.write("+HI {\"v\":2,\"i\":1,\"s\":\"x\"}\r\n"))) {
      assertThatThrownBy(() -> Client.connect(server.config().build()))
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("password");
    }
  }

  @Test
  void unreachableServerIsAConnectionException() throws Exception {
    int port;
    try (FakeServer server = new FakeServer(s -> {})) {
      port = server.port();
    }
    ClientConfig config = ClientConfig.builder().host("127.0.0.1").port(port).build();
    assertThatThrownBy(() -> Client.connect(config)).isInstanceOf(ConnectionException.class);
  }

  @Test
  void everyReplyShape() throws Exception {
    String job = "{\"jid\":\"abcdefgh1\",\"jobtype\":\"T\",\"args\":[1],\"queue\":\"q\"}";
    String info =
        "{\"now\":\"x\",\"faktory\":{\"queues\":{\"default\":3,\"q\":null},"
            + "\"sets\":{\"retries\":1,\"dead\":2,\"scheduled\":0,\"working\":4},"
            + "\"total_processed\":7,\"total_failures\":5,\"total_enqueued\":3,\"total_queues\":2},"
            + "\"server\":{\"description\":\"Fabrik\",\"faktory_version\":\"1.9.3\","
            + "\"uptime\":60,\"connections\":2}}";
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.readLine();
                  s.bulk(job); // FETCH
                  s.answer("$-1\r\n"); // FETCH
                  s.answer("+OK\r\n"); // ACK
                  s.answer("+OK\r\n"); // FAIL
                  s.answer("+OK\r\n"); // BEAT
                  s.readLine();
                  s.bulk("{\"state\":\"quiet\"}"); // BEAT
                  s.answer("+{\"state\":\"terminate\"}\r\n"); // BEAT, spec-example form
                  s.answer("+OK\r\n"); // BEAT with concurrency and busy
                  s.readLine();
                  s.bulk(info); // INFO
                  s.readLine();
                  s.bulk("{\"default\":1.5,\"q\":0}"); // QUEUE LATENCY
                  s.readLine();
                  s.bulk("{\"bad\":\"jobs must have a jobtype parameter\"}"); // PUSHB
                  s.answer("+OK\r\n"); // FLUSH
                  s.answer("+OK\r\n"); // MUTATE
                  s.answer("+OK\r\n"); // QUEUE PAUSE
                  s.answer("+OK\r\n"); // QUEUE RESUME
                  s.answer("+OK\r\n"); // QUEUE REMOVE
                  s.readLine();
                });
        Client client = Client.connect(server.config().build())) {
      server.nextLine(); // HELLO

      Optional<Job> fetched = client.fetch("q", "default");
      assertThat(server.nextLine()).isEqualTo("FETCH q default");
      assertThat(fetched).get().extracting(Job::jid).isEqualTo("abcdefgh1");
      assertThat(client.fetch()).isEmpty();
      assertThat(server.nextLine()).isEqualTo("FETCH default");

      client.ack("abcdefgh1");
      assertThat(server.nextLine()).isEqualTo("ACK {\"jid\":\"abcdefgh1\"}");
      client.fail("abcdefgh1", "IOException", "disk full", List.of("a.java:1"));
      assertThat(server.nextLine())
          .isEqualTo(
              "FAIL {\"jid\":\"abcdefgh1\",\"errtype\":\"IOException\",\"message\":\"disk full\","
                  + "\"backtrace\":[\"a.java:1\"]}");

      assertThat(client.beat("w1", 1024, WorkerState.RUNNING)).isEqualTo(WorkerState.RUNNING);
      assertThat(server.nextLine()).isEqualTo("BEAT {\"wid\":\"w1\",\"rss_kb\":1024}");
      assertThat(client.beat("w1", 1024, null)).isEqualTo(WorkerState.QUIET);
      server.nextLine();
      assertThat(client.beat("w1", 1024, WorkerState.QUIET)).isEqualTo(WorkerState.TERMINATE);
      assertThat(server.nextLine())
          .isEqualTo("BEAT {\"wid\":\"w1\",\"rss_kb\":1024,\"current_state\":\"quiet\"}");
      client.beat("w1", 1024, null, 20, 3);
      assertThat(server.nextLine())
          .isEqualTo("BEAT {\"wid\":\"w1\",\"rss_kb\":1024,\"concurrency\":20,\"busy\":3}");

      ServerInfo serverInfo = client.info();
      assertThat(serverInfo.queues()).containsExactly(Map.entry("default", 3L), Map.entry("q", 0L));
      assertThat(serverInfo.retries()).isEqualTo(1);
      assertThat(serverInfo.dead()).isEqualTo(2);
      assertThat(serverInfo.working()).isEqualTo(4);
      assertThat(serverInfo.totalProcessed()).isEqualTo(7);
      assertThat(serverInfo.totalFailures()).isEqualTo(5);
      assertThat(serverInfo.version()).isEqualTo("1.9.3");
      assertThat(serverInfo.description()).isEqualTo("Fabrik");
      assertThat(serverInfo.uptimeSeconds()).isEqualTo(60);
      assertThat(serverInfo.connections()).isEqualTo(2);
      assertThat(serverInfo.raw().path("now").asString()).isEqualTo("x");
      assertThat(server.nextLine()).isEqualTo("INFO");

      assertThat(client.queueLatency("default", "q"))
          .containsExactly(Map.entry("default", 1.5), Map.entry("q", 0.0));
      assertThat(server.nextLine()).isEqualTo("QUEUE LATENCY default q");

      Job bad = Jobs.builder("T").jid("bad").build();
      assertThat(client.pushBulk(List.of(bad)))
          .containsExactly(Map.entry("bad", "jobs must have a jobtype parameter"));
      assertThat(server.nextLine()).startsWith("PUSHB [{\"jid\":\"bad\"");

      client.flush();
      assertThat(server.nextLine()).isEqualTo("FLUSH");
      client.mutate(MutateCommand.clear(MutateCommand.Target.DEAD));
      assertThat(server.nextLine()).isEqualTo("MUTATE {\"cmd\":\"clear\",\"target\":\"dead\"}");
      client.queuePause("a", "b");
      assertThat(server.nextLine()).isEqualTo("QUEUE PAUSE a b");
      client.queueResume("*");
      assertThat(server.nextLine()).isEqualTo("QUEUE RESUME *");
      client.queueRemove("a");
      assertThat(server.nextLine()).isEqualTo("QUEUE REMOVE a");
      assertThat(client.isBroken()).isFalse();
    }
  }

  @Test
  void errorCodeReplyKeepsTheConnectionUsable() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.answer("-NOTUNIQUE job not unique\r\n");
                  s.answer("-ERR\r\n");
                  s.answer("+OK\r\n");
                  s.readLine();
                });
        Client client = Client.connect(server.config().build())) {
      assertThatThrownBy(() -> client.push(Jobs.of("T")))
          .isInstanceOfSatisfying(
              NotUniqueException.class,
              e -> {
                assertThat(e.code()).isEqualTo("NOTUNIQUE");
                assertThat(e.serverMessage()).isEqualTo("job not unique");
                assertThat(e).hasMessage("NOTUNIQUE job not unique");
              });
      assertThatThrownBy(client::flush)
          .isInstanceOfSatisfying(
              ServerErrorException.class, e -> assertThat(e.code()).isEqualTo("ERR"));
      assertThat(client.isBroken()).isFalse();
      client.ack("abcdefgh1");
    }
  }

  @Test
  void connectionDroppedMidReplyBreaksTheClient() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.readLine();
                  s.write("$100\r\n{\"jid\":");
                  s.drop();
                });
        Client client = Client.connect(server.config().build())) {
      assertThatThrownBy(() -> client.fetch("default"))
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("127.0.0.1");
      assertThat(client.isBroken()).isTrue();
      assertThatThrownBy(client::flush)
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("discard");
    }
  }

  @Test
  void readTimeoutIsAConnectionException() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  // Swallow commands without answering until the client hangs up.
                  while (s.readLine() != null) {}
                });
        Client client =
            Client.connect(server.config().readTimeout(Duration.ofMillis(200)).build())) {
      assertThatThrownBy(client::info)
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("timed out");
      assertThat(client.isBroken()).isTrue();
    }
  }

  @Test
  void unexpectedReplyShapeIsAProtocolViolation() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.readLine();
                  s.bulk("{}"); // PUSH must answer +OK
                  s.readLine();
                });
        Client client = Client.connect(server.config().build())) {
      assertThatThrownBy(() -> client.push(Jobs.of("T")))
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining("expected +OK");
      assertThat(client.isBroken()).isTrue();
    }
  }

  @Test
  void malformedFramingIsAProtocolViolation() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.answer(":1\r\n");
                  s.readLine();
                });
        Client client = Client.connect(server.config().build())) {
      assertThatThrownBy(client::flush).isInstanceOf(ProtocolViolationException.class);
      assertThat(client.isBroken()).isTrue();
    }
  }

  @Test
  void closedClientRefusesCommands() throws Exception {
    try (FakeServer server =
        new FakeServer(
            s -> {
              s.handshake();
              s.readLine();
            })) {
      Client client = Client.connect(server.config().build());
      server.nextLine();
      client.close();
      assertThat(server.nextLine()).isEqualTo("END");
      client.close(); // idempotent
      assertThat(client.isBroken()).isTrue();
      assertThatThrownBy(client::flush)
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("closed");
    }
  }

  @Test
  void queueNamesAreValidatedBeforeSending() throws Exception {
    try (FakeServer server =
            new FakeServer(
                s -> {
                  s.handshake();
                  s.readLine();
                });
        Client client = Client.connect(server.config().build())) {
      assertThatThrownBy(() -> client.queuePause()).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.fetch("a b")).isInstanceOf(IllegalArgumentException.class);
      assertThat(client.isBroken()).isFalse();
    }
  }
}
