package dev.fabrik.protocol;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of {@link ColdHandshakeTest}: a password-protected fake server on a loopback port
 * and a first-ever {@link ProtocolConnection#open} against it. The fake server prints {@link
 * #ACCEPTED} before it sends {@code +HI}, so every class the JVM logs as loaded after that line was
 * loaded while the server's handshake deadline ran.
 */
final class ColdHandshake {
  static final String ACCEPTED = "fake server: accepted";
  static final String DONE = "client: handshaken";

  private ColdHandshake() {}

  public static void main(String[] args) throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> serveOne(listener), "fake-server");
      server.start();
      ConnectionOptions options =
          ConnectionOptions.builder()
              .host("127.0.0.1")
              .port(listener.getLocalPort())
              .password("secret")
              .build();
      try (ProtocolConnection conn = ProtocolConnection.open(options)) {
        System.out.println(DONE);
      }
      server.join();
    }
  }

  /** Raw streams only: the server side must not load what the client is to have loaded. */
  private static void serveOne(ServerSocket listener) {
    try (Socket socket = listener.accept()) {
      System.out.println(ACCEPTED);
      System.out.flush();
      OutputStream out = socket.getOutputStream();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out.write("+HI {\"v\":2,\"i\":3,\"s\":\"5e7a\"}\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      in.readLine(); // HELLO
      out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      in.readLine(); // END
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
