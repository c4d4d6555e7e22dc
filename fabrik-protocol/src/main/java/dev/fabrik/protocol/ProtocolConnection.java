package dev.fabrik.protocol;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLSocket;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One blocking, handshaken connection speaking raw protocol lines. Benchmarks and end-to-end tests
 * use it directly; the Java client builds on it.
 *
 * <pre>
 * S: +HI {"v":2,"i":5012,"s":"1a2b3c"}         (i/s only when the server has a password)
 * C: HELLO {"v":2,"hostname":"h","pid":42,"wid":"w1","labels":["java"],"pwdhash":"..."}
 * S: +OK
 * C: PUSH {...}            S: +OK
 * C: END                   (socket closed)
 * </pre>
 *
 * I/O failures surface as {@link UncheckedIOException} and framing errors as {@link
 * ProtocolException}; after either, discard the connection. Error replies ({@code -ERR ...}) are
 * returned as {@link Reply.Error}, not thrown: the connection stays usable. Not thread-safe.
 */
public final class ProtocolConnection implements Closeable {
  /** Largest bulk reply accepted; INFO and big jobs stay far below this. */
  public static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

  private static final byte[] CRLF = {'\r', '\n'};

  private final Socket socket;
  private final RespReader reader;
  private final OutputStream out;
  private final JsonNode greeting;
  private boolean closed;

  private ProtocolConnection(
      Socket socket, RespReader reader, OutputStream out, JsonNode greeting) {
    this.socket = socket;
    this.reader = reader;
    this.out = out;
    this.greeting = greeting;
  }

  /**
   * Connects, reads the {@code +HI} greeting and completes the HELLO handshake.
   *
   * @throws HandshakeException the server refused us, or wants a password none was configured for
   * @throws UncheckedIOException connecting or talking failed
   */
  public static ProtocolConnection open(ConnectionOptions opts) {
    HandshakeCode.load();
    Socket socket;
    try {
      socket = connect(opts);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot connect to " + opts.host() + ":" + opts.port() + ": " + e.getMessage(), e);
    }
    return handshake(socket, opts);
  }

  /**
   * Completes the {@code +HI}/HELLO handshake over a socket the caller has already connected (plain
   * or TLS, in blocking mode), e.g. the adaptor of a {@code SocketChannel} that a caller switches
   * to non-blocking mode afterwards to drive the protocol itself. The socket is closed if the
   * handshake fails; on success it belongs to the returned connection, whose {@link #close()}
   * closes it. In a cold JVM, open a first connection with {@link #open} before connecting such a
   * socket: it loads what the handshake needs, which would otherwise run inside the server's 2 s
   * handshake deadline.
   *
   * @throws HandshakeException the server refused us, or wants a password none was configured for
   * @throws UncheckedIOException talking failed
   */
  public static ProtocolConnection handshake(Socket socket, ConnectionOptions opts) {
    try {
      socket.setSoTimeout((int) opts.readTimeout().toMillis());
      RespReader reader = new RespReader(socket.getInputStream(), MAX_REPLY_BYTES);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
      JsonNode greeting = readGreeting(reader);
      ProtocolConnection conn = new ProtocolConnection(socket, reader, out, greeting);
      conn.hello(opts);
      return conn;
    } catch (IOException e) {
      closeQuietly(socket);
      throw new UncheckedIOException(
          "cannot connect to " + opts.host() + ":" + opts.port() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  private static Socket connect(ConnectionOptions opts) throws IOException {
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true); // one small write per command; Nagle would add ~40 ms each
      plain.connect(
          new InetSocketAddress(opts.host(), opts.port()), (int) opts.connectTimeout().toMillis());
      plain.setSoTimeout((int) opts.readTimeout().toMillis());
      if (opts.sslSocketFactory() == null) {
        return plain;
      }
      SSLSocket tls =
          (SSLSocket) opts.sslSocketFactory().createSocket(plain, opts.host(), opts.port(), true);
      tls.startHandshake();
      return tls;
    } catch (IOException | RuntimeException e) {
      closeQuietly(plain);
      throw e;
    }
  }

  /**
   * The first greeting parsed and HELLO written load Jackson's parser, tree and writer classes, the
   * SHA-256 digest and the bootstrap of a record's equals (the +OK check): ~0.25 s in a cold JVM on
   * an idle machine, more on a loaded one, and the server (Faktory's rule too) drops a connection
   * that has not said HELLO 2 s after its accept. This class does both once, when {@link #open}
   * initializes it before connecting, so a cold client pays for them there, not between the
   * server's +HI and its HELLO; code that only uses {@link #randomJid} does not pay at all.
   */
  private static final class HandshakeCode {
    static {
      ConnectionOptions options =
          ConnectionOptions.builder()
              .hostname("localhost")
              .password("")
              .wid("w")
              .labels(List.of("l"))
              .build();
      // Twice: the second HELLO is the first to read the serializer cache.
      for (int i = 0; i < 2; i++) {
        helloLine(parseGreeting("{\"v\":2,\"i\":1,\"s\":\"00\"}"), options);
      }
      Reply.OK.equals(Reply.error("ERR", ""));
    }

    /** Does nothing: calling it initializes the class, once per JVM. */
    static void load() {}
  }

  /** {@code +HI {"v":2,...}} → the JSON object. */
  private static JsonNode readGreeting(RespReader reader) throws IOException {
    Reply reply = reader.read();
    if (!(reply instanceof Reply.Simple simple) || !simple.text().startsWith("HI ")) {
      throw new HandshakeException("expected +HI greeting, got " + describe(reply));
    }
    return parseGreeting(simple.text().substring(3));
  }

  private static JsonNode parseGreeting(String json) {
    try {
      JsonNode greeting = JobCodec.MAPPER.readTree(json);
      if (greeting == null || !greeting.isObject()) {
        throw new HandshakeException("greeting is not a JSON object: HI " + json);
      }
      return greeting;
    } catch (JacksonException e) {
      throw new HandshakeException("greeting is not valid JSON: HI " + json, e);
    }
  }

  private void hello(ConnectionOptions opts) throws IOException {
    writeLine(helloLine(greeting, opts));
    out.flush();
    Reply reply;
    try {
      reply = reader.read();
    } catch (EOFException e) {
      throw new HandshakeException("server closed the connection after HELLO without a reply", e);
    }
    if (!Reply.OK.equals(reply)) {
      throw new HandshakeException("handshake refused: " + describe(reply));
    }
  }

  /**
   * {@code HELLO {"v":2,"hostname":...}} for {@code greeting}, with the password hash it asks for.
   */
  private static String helloLine(JsonNode greeting, ConnectionOptions opts) {
    ObjectNode hello = JobCodec.MAPPER.createObjectNode();
    hello.put("v", 2);
    hello.put("hostname", opts.hostname());
    hello.put("pid", opts.pid());
    if (opts.wid() != null) {
      hello.put("wid", opts.wid());
    }
    if (!opts.labels().isEmpty()) {
      ArrayNode labels = hello.putArray("labels");
      opts.labels().forEach(labels::add);
    }
    if (greeting.has("s") || greeting.has("i")) {
      if (opts.password() == null) {
        throw new HandshakeException("server requires a password but none is configured");
      }
      String salt = greeting.path("s").asString("");
      int iterations = Math.max(1, greeting.path("i").asInt(1));
      hello.put("pwdhash", PasswordHash.compute(opts.password(), salt, iterations));
    }
    return "HELLO " + JobCodec.MAPPER.writeValueAsString(hello);
  }

  /** The server's greeting, e.g. {@code {"v":2}} or {@code {"v":2,"i":5012,"s":"1a2b"}}. */
  public JsonNode greeting() {
    return greeting;
  }

  /** Writes {@code line} + CRLF, flushes, and reads the one reply. */
  public Reply call(String line) {
    send(line);
    flush();
    return read();
  }

  /** Buffers {@code line} + CRLF without flushing, for pipelining; pair with {@link #read()}. */
  public void send(String line) {
    try {
      writeLine(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the next reply (one per command sent, in order). */
  public Reply read() {
    try {
      return reader.read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code END} if it can, then closes the socket. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writeLine("END");
      out.flush();
    } catch (IOException | RuntimeException e) {
      // Best effort: the server treats a dropped socket like END.
    }
    closeQuietly(socket);
  }

  /** A fresh job id: 24 lowercase hex characters (96 random bits), like the Ruby client's. */
  public static String randomJid() {
    byte[] bytes = new byte[12];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private void writeLine(String line) throws IOException {
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a command line must not contain CR or LF");
    }
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write(CRLF);
  }

  private static String describe(Reply reply) {
    if (reply instanceof Reply.Error error) {
      return "-" + error.text();
    }
    if (reply instanceof Reply.Simple simple) {
      return "+" + simple.text();
    }
    if (reply instanceof Reply.Bulk bulk) {
      return "bulk of " + bulk.payload().length + " bytes";
    }
    return "null reply";
  }

  private static void closeQuietly(Socket socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
