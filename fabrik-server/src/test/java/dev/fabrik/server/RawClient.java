package dev.fabrik.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A test client that writes exact bytes and reads exact reply bytes, so tests can compare golden
 * wire forms ({@code "$13\r\n{\"default\":0}\r\n"}) rather than parsed values.
 */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(10_000);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static RawClient connect(int port) throws IOException {
    return new RawClient(new Socket("127.0.0.1", port));
  }

  /** Connects, reads the greeting and says HELLO as a producer; fails unless the reply is +OK. */
  public static RawClient producer(int port) throws IOException {
    return helloed(port, "{\"hostname\":\"test\",\"v\":2}");
  }

  /** Connects and says HELLO as the given worker. */
  public static RawClient worker(int port, String wid) throws IOException {
    return helloed(port, "{\"hostname\":\"test\",\"wid\":\"" + wid + "\",\"pid\":7,\"v\":2}");
  }

  private static RawClient helloed(int port, String hello) throws IOException {
    RawClient c = connect(port);
    String hi = c.readReply();
    if (!hi.startsWith("+HI ")) {
      throw new IllegalStateException("no greeting: " + hi);
    }
    String ok = c.call("HELLO " + hello);
    if (!ok.equals("+OK\r\n")) {
      throw new IllegalStateException("HELLO refused: " + ok);
    }
    return c;
  }

  /** Writes the bytes as they are (no terminator added). */
  public void send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends one CRLF-terminated line and returns the raw reply. */
  public String call(String line) throws IOException {
    send(line + "\r\n");
    return readReply();
  }

  /**
   * Reads one whole RESP reply, terminators included: a {@code +}/{@code -} line, {@code $-1}, or a
   * bulk header plus its payload.
   */
  public String readReply() throws IOException {
    byte[] line = readLineBytes();
    String head = new String(line, StandardCharsets.UTF_8);
    if (head.startsWith("$") && !head.equals("$-1\r\n")) {
      int n = Integer.parseInt(head.substring(1, head.length() - 2));
      byte[] body = in.readNBytes(n + 2);
      if (body.length < n + 2) {
        throw new IOException("bulk reply cut short after " + head);
      }
      return head + new String(body, StandardCharsets.UTF_8);
    }
    return head;
  }

  /** The payload of a bulk reply. */
  public String bulk(String line) throws IOException {
    String reply = call(line);
    if (!reply.startsWith("$") || reply.equals("$-1\r\n")) {
      throw new IllegalStateException("not a bulk reply: " + reply);
    }
    int start = reply.indexOf("\r\n") + 2;
    return reply.substring(start, reply.length() - 2);
  }

  private byte[] readLineBytes() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + buf.toString(StandardCharsets.UTF_8));
      }
      buf.write(b);
      if (prev == '\r' && b == '\n') {
        return buf.toByteArray();
      }
      prev = b;
    }
  }

  /** True when the server closed the connection: the next read sees end of stream or a reset. */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException e) {
      return true;
    }
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
