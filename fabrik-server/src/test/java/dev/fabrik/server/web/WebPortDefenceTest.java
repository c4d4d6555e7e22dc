package dev.fabrik.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.WebLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin port against hostile clients, over raw sockets on a real server: DNS rebinding (a
 * foreign {@code Host}), half-sent requests, and more connections than the cap.
 */
class WebPortDefenceTest {
  private FabrikServer server;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private void start(WebLimits limits) {
    server = TestServers.start(TestServers.config().webPort(0).web(limits).build());
  }

  @Test
  void aRebindingPageCanNeitherReadTheTokenNorPost() throws Exception {
    start(WebLimits.defaults());
    server.manager().push(JobCodec.decode("{\"jid\":\"rebind-1\",\"jobtype\":\"T\",\"args\":[]}"));
    String evil = "evil.example:" + server.webPort();

    String csrf = exchange("GET /api/csrf HTTP/1.1\r\nHost: " + evil + "\r\n\r\n");
    assertThat(status(csrf)).isEqualTo(421);
    assertThat(csrf).doesNotContain("\"token\"");

    // Even holding a valid token (fetched the honest way), the foreign name cannot act.
    String honest =
        exchange("GET /api/csrf HTTP/1.1\r\nHost: localhost:" + server.webPort() + "\r\n\r\n");
    assertThat(status(honest)).isEqualTo(200);
    String token =
        JobCodec.MAPPER
            .readTree(honest.substring(honest.indexOf("\r\n\r\n") + 4))
            .get("token")
            .stringValue();
    String remove =
        exchange(
            "POST /api/queues/default/remove HTTP/1.1\r\nHost: "
                + evil
                + "\r\nX-CSRF-Token: "
                + token
                + "\r\nContent-Length: 0\r\n\r\n");
    assertThat(status(remove)).isEqualTo(421);

    String job = exchange("GET /api/queues/default/jobs HTTP/1.1\r\nHost: " + evil + "\r\n\r\n");
    assertThat(status(job)).isEqualTo(421);
    assertThat(job).doesNotContain("rebind-1");

    // Monitors may probe /health under any name; it tells them nothing secret.
    assertThat(status(exchange("GET /health HTTP/1.1\r\nHost: " + evil + "\r\n\r\n")))
        .isEqualTo(200);
    String still =
        exchange(
            "GET /api/queues/default/jobs HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.webPort()
                + "\r\n\r\n");
    assertThat(status(still)).isEqualTo(200);
    assertThat(still).contains("rebind-1"); // the queue was not removed
  }

  @Test
  void halfSentRequestsAreClosedAfterTheHeaderTimeout() throws Exception {
    start(WebLimits.defaults().withHeaderTimeout(Duration.ofSeconds(1)));
    List<Socket> halfSent = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      Socket s = open();
      s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      halfSent.add(s);
    }
    Socket silent = open(); // connected, never sends a byte
    halfSent.add(silent);
    for (Socket s : halfSent) {
      assertThat(closedByServer(s)).isTrue();
    }
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void aHalfSentSecondRequestAndASlowBodyAreClosedToo() throws Exception {
    start(
        WebLimits.defaults()
            .withHeaderTimeout(Duration.ofSeconds(1))
            .withBodyTimeout(Duration.ofSeconds(1)));
    String host = "Host: 127.0.0.1:" + server.webPort() + "\r\n";

    // Kept alive after a good request, then a second request that never ends.
    Socket keptAlive = open();
    keptAlive.getOutputStream().write(("GET /health HTTP/1.1\r\n" + host + "\r\n").getBytes());
    assertThat(readResponseHead(keptAlive)).startsWith("HTTP/1.1 200");
    keptAlive.getOutputStream().write("GET /api/info HTTP/1.1\r\n".getBytes());

    // A POST whose body stops after 10 of its 100 bytes.
    Socket slowBody = open();
    slowBody
        .getOutputStream()
        .write(
            ("POST /api/queues/default/pause HTTP/1.1\r\n"
                    + host
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 100\r\n\r\ncsrf=01234")
                .getBytes());

    assertThat(closedByServer(keptAlive)).isTrue();
    assertThat(closedByServer(slowBody)).isTrue();
  }

  @Test
  void theConnectionCapHoldsAndAGoodRequestIsStillServed() throws Exception {
    start(WebLimits.defaults().withHeaderTimeout(Duration.ofSeconds(1)).withMaxConnections(4));
    List<Socket> attackers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Socket s = open();
      s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      attackers.add(s);
    }
    // The server takes four and leaves the rest in the listen backlog.
    await().atMost(Duration.ofSeconds(10)).until(() -> server.webConnections() == 4);

    // Queued in the listen backlog behind the attackers, served once their time is up.
    String good =
        exchange("GET /api/info HTTP/1.1\r\nHost: 127.0.0.1:" + server.webPort() + "\r\n\r\n");
    assertThat(status(good)).isEqualTo(200);
    assertThat(server.webConnections()).isLessThanOrEqualTo(4);

    for (Socket s : attackers) {
      assertThat(closedByServer(s)).isTrue();
    }
  }

  private Socket open() throws IOException {
    Socket s = new Socket("127.0.0.1", server.webPort());
    s.setSoTimeout(30_000);
    sockets.add(s);
    return s;
  }

  /** Sends one request with {@code Connection: close} and returns the whole response. */
  private String exchange(String head) throws IOException {
    String request = head.replaceFirst("\r\n\r\n$", "\r\nConnection: close\r\n\r\n");
    try (Socket s = new Socket("127.0.0.1", server.webPort())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.getInputStream().transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** Reads up to the blank line after the headers of a response with a body we then skip. */
  private static String readResponseHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    String text = head.toString();
    int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ");
    if (at >= 0) {
      int length = Integer.parseInt(text.substring(at + 16, text.indexOf("\r\n", at)).trim());
      in.readNBytes(length);
    }
    return text;
  }

  private static int status(String response) {
    assertThat(response).startsWith("HTTP/1.1 ");
    return Integer.parseInt(response.substring(9, 12));
  }

  /** True when the server closed the socket (EOF or reset) before the 30 s read timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }
}
