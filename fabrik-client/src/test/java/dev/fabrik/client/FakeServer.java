package dev.fabrik.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the server: listens on 127.0.0.1:0 and runs {@link Script} on each
 * accepted connection in its own thread. Every line a client sends is recorded in {@link #lines}.
 */
final class FakeServer implements AutoCloseable {
  /** What the server does on one connection. */
  @FunctionalInterface
  interface Script {
    void run(Session session) throws IOException;
  }

  /** One accepted connection. */
  static final class Session {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final FakeServer server;

    Session(Socket socket, FakeServer server) throws IOException {
      this.socket = socket;
      this.server = server;
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = socket.getOutputStream();
    }

    /** The next line from the client (without CRLF), or null at end of stream. */
    String readLine() throws IOException {
      String line = in.readLine();
      if (line != null) {
        server.lines.add(line);
      }
      return line;
    }

    /** Writes raw bytes, e.g. {@code "+OK\r\n"}. */
    void write(String raw) throws IOException {
      out.write(raw.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** Writes a bulk reply holding {@code payload}. */
    void bulk(String payload) throws IOException {
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      write("$" + bytes.length + "\r\n" + payload + "\r\n");
    }

    /** Greets without a password and accepts the HELLO. */
    void handshake() throws IOException {
      write("+HI {\"v\":2}\r\n");
      readLine();
      write("+OK\r\n");
    }

    /** Reads one command and answers it with {@code raw}. */
    void answer(String raw) throws IOException {
      readLine();
      write(raw);
    }

    void drop() throws IOException {
      socket.close();
    }
  }

  final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final AtomicInteger accepted = new AtomicInteger();
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  FakeServer(Script script) throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(() -> acceptLoop(script), "fake-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  ClientConfig.Builder config() {
    return ClientConfig.builder()
        .host("127.0.0.1")
        .port(port())
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(5));
  }

  /** The next recorded client line, waiting up to 5 s. */
  String nextLine() throws InterruptedException {
    String line = lines.poll(5, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("the client sent no line within 5 s");
    }
    return line;
  }

  private void acceptLoop(Script script) {
    while (!listener.isClosed()) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      sockets.add(socket);
      Thread t =
          new Thread(
              () -> {
                try (socket) {
                  script.run(new Session(socket, this));
                } catch (IOException e) {
                  // the client went away; nothing to report
                }
              },
              "fake-session");
      t.setDaemon(true);
      t.start();
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
