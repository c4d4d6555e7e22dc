package dev.fabrik.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fabrik.cli.Main;
import dev.fabrik.protocol.ConnectionOptions;
import dev.fabrik.protocol.ProtocolConnection;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.config.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WorkersCommandTest {
  private FabrikServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(String password) {
    server =
        FabrikServer.start(
            ServerConfig.builder()
                .port(0)
                .webPort(0)
                .storage("memory")
                .handshakeTimeout(Duration.ofSeconds(30)) // a loaded CI box must not fail HELLO
                .password(password)
                .build());
  }

  private int fabrik(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private String url() {
    return "http://127.0.0.1:" + server.webPort();
  }

  private ProtocolConnection worker(String wid, String password) {
    return ProtocolConnection.open(
        ConnectionOptions.builder()
            .host("127.0.0.1")
            .port(server.port())
            .wid(wid)
            .password(password)
            .hostname("box1")
            .build());
  }

  @Test
  void listsQuietsAndTerminatesWorkers() {
    start(null);
    try (ProtocolConnection w = worker("w-1", null)) {
      assertThat(fabrik("workers", "list", "--url", url())).isZero();
      assertThat(out.toString()).contains("WID", "w-1", "box1", "running");

      assertThat(fabrik("workers", "quiet", "w-1", "--url", url())).isZero();
      assertThat(out.toString()).contains("quiet sent to w-1 (1 worker)");
      assertThat(((Reply.Bulk) w.call("BEAT {\"wid\":\"w-1\"}")).text())
          .isEqualTo("{\"state\":\"quiet\"}");

      assertThat(fabrik("workers", "terminate", "all", "--url", url())).isZero();
      assertThat(out.toString()).contains("terminate sent to all");
    }
  }

  @Test
  void passwordIsSentAsBasicAuth() {
    start("pw");
    try (ProtocolConnection w = worker("w-2", "pw")) {
      assertThat(fabrik("workers", "list", "--url", url())).isEqualTo(3);
      assertThat(err.toString()).contains("refused the password");
      assertThat(fabrik("workers", "list", "--json", "--url", url(), "--password", "pw")).isZero();
      assertThat(out.toString()).contains("\"wid\":\"w-2\"");

      // The POST needs Basic auth for GET /api/csrf and for itself, and the token.
      assertThat(fabrik("workers", "quiet", "w-2", "--url", url(), "--password", "pw")).isZero();
      assertThat(((Reply.Bulk) w.call("BEAT {\"wid\":\"w-2\"}")).text())
          .isEqualTo("{\"state\":\"quiet\"}");
    }
  }

  @Test
  void unknownWorkerIsAClearError() {
    start(null);
    assertThat(fabrik("workers", "quiet", "nobody", "--url", url())).isEqualTo(4);
    assertThat(err.toString()).contains("no such worker");
  }

  @Test
  void unreachableServerIsAClearError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThat(fabrik("workers", "list", "--url", "http://127.0.0.1:" + closedPort)).isEqualTo(5);
    assertThat(err.toString()).contains("cannot reach the Fabrik admin API");
  }

  @Test
  void emptyListSaysSo() {
    start(null);
    assertThat(fabrik("workers", "list", "--url", url())).isZero();
    assertThat(out.toString()).contains("no workers connected");
  }
}
