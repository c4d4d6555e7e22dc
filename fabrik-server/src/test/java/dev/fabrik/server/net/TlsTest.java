package dev.fabrik.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabrik.server.FabrikServer;
import dev.fabrik.server.RawClient;
import dev.fabrik.server.TestServers;
import dev.fabrik.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the command port with a self-signed certificate made by openssl for this test. */
class TlsTest {
  @TempDir Path dir;

  @Test
  void pushAndFetchOverTls() throws Exception {
    Path cert = dir.resolve("public.cert.pem");
    Path key = dir.resolve("private.key.pem");
    assumeTrue(openssl(cert, key), "openssl is not available");
    ServerConfig config =
        TestServers.config()
            .tls(new ServerConfig.TlsConfig(cert, key))
            .password("s3cret")
            // A cold JVM on a busy CI box can spend seconds in its first TLS handshake.
            .handshakeTimeout(Duration.ofSeconds(15))
            .build();
    FabrikServer server = TestServers.start(config);
    try (RawClient c = new RawClient(tlsSocket(cert, server.port()))) {
      String hi = c.readReply();
      assertThat(hi).startsWith("+HI {\"v\":2,\"i\":");
      String salt = hi.replaceAll(".*\"s\":\"([0-9a-f]+)\".*\\s*", "$1");
      int iterations = Integer.parseInt(hi.replaceAll(".*\"i\":(\\d+).*\\s*", "$1"));
      String hash = dev.fabrik.protocol.PasswordHash.compute("s3cret", salt, iterations);
      assertThat(c.call("HELLO {\"v\":2,\"pwdhash\":\"" + hash + "\"}")).isEqualTo("+OK\r\n");
      assertThat(c.call("PUSH {\"jid\":\"tls-job-1\",\"jobtype\":\"T\",\"args\":[]}"))
          .isEqualTo("+OK\r\n");
      assertThat(c.bulk("FETCH default")).contains("\"jid\":\"tls-job-1\"");
      SSLSocket s = (SSLSocket) c.socket();
      assertThat(s.getSession().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
    } finally {
      server.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void tlsConnectionsObeyTheSmallFirstLineAndTheMemoryBudget() throws Exception {
    Path cert = dir.resolve("public.cert.pem");
    Path key = dir.resolve("private.key.pem");
    assumeTrue(openssl(cert, key), "openssl is not available");
    ServerConfig config =
        TestServers.config()
            .tls(new ServerConfig.TlsConfig(cert, key))
            // Long enough that only the line cap can close the first connection in time.
            .handshakeTimeout(Duration.ofSeconds(60))
            .maxBufferedBytes(256 * 1024)
            .build();
    FabrikServer server = TestServers.start(config);
    try {
      try (RawClient c = new RawClient(tlsSocket(cert, server.port()))) {
        c.readReply();
        c.send("HELLO {\"wid\":\"" + "w".repeat(Hello.MAX_LINE_BYTES) + "\"}\r\n");
        assertThat(c.closedByServer()).isTrue();
      }
      try (RawClient c = new RawClient(tlsSocket(cert, server.port()))) {
        c.readReply();
        assertThat(c.call("HELLO {\"v\":2}")).isEqualTo("+OK\r\n");
        Thread sender =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        c.send("PUSH " + "x".repeat(1 << 20));
                      } catch (IOException e) {
                        // closed by the server while still sending: expected
                      }
                    });
        assertThat(c.readReply()).startsWith("-ERR server buffers are full");
        assertThat(c.closedByServer()).isTrue();
        sender.join(10_000);
      }
      try (RawClient c = new RawClient(tlsSocket(cert, server.port()))) {
        c.readReply();
        assertThat(c.call("HELLO {\"v\":2}")).isEqualTo("+OK\r\n");
        assertThat(c.call("PUSH {\"jid\":\"tls-job-2\",\"jobtype\":\"T\",\"args\":[]}"))
            .isEqualTo("+OK\r\n");
      }
    } finally {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private boolean openssl(Path cert, Path key) {
    try {
      Process p =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-days",
                  "1",
                  "-subj",
                  "/CN=127.0.0.1",
                  "-keyout",
                  key.toString(),
                  "-out",
                  cert.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.log").toFile())
              .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.exists(key);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static SSLSocket tlsSocket(Path cert, int port) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "fabrik", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    // No hostname verification on a raw SSLSocket: trusting exactly this certificate is the check.
    return (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
  }
}
