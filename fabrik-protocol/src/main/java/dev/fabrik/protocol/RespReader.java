package dev.fabrik.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Client side of the reply framing: parses what {@link Reply#encode()} writes.
 *
 * <pre>
 * +OK\r\n                    Simple("OK")
 * -ERR unknown command X\r\n  Error("ERR", "unknown command X")   code split at the first space
 * $13\r\n{"default":0}\r\n    Bulk, exactly 13 bytes then CRLF
 * $-1\r\n                    Null
 * </pre>
 *
 * Strict: every line must end in CRLF, integers ({@code :}) and arrays ({@code *}) are rejected,
 * and a bulk longer than the configured cap is refused before any allocation. A {@link
 * ProtocolException} leaves the stream unframed; an {@link EOFException} means the server closed
 * the socket (at a reply boundary or in the middle of one). Not thread-safe.
 */
public final class RespReader {
  private final InputStream in;
  private final int maxBulkBytes;
  private final int maxLineBytes;
  private final byte[] buf = new byte[8 * 1024];
  private int pos;
  private int limit;
  private byte[] line = new byte[128];

  /**
   * @param maxBulkBytes largest bulk payload accepted; also caps simple and error lines
   */
  public RespReader(InputStream in, int maxBulkBytes) {
    if (maxBulkBytes < 1) {
      throw new IllegalArgumentException("maxBulkBytes must be positive: " + maxBulkBytes);
    }
    this.in = in;
    this.maxBulkBytes = maxBulkBytes;
    // Error lines carry decoder details; never let a short cap make them unreadable.
    this.maxLineBytes = Math.max(maxBulkBytes, 64 * 1024);
  }

  /**
   * Reads one reply.
   *
   * @throws EOFException the stream ended before or inside the reply
   * @throws ProtocolException the bytes are not a valid reply
   */
  public Reply read() throws IOException {
    int len = readLine();
    if (len == 0) {
      throw new ProtocolException("empty reply line");
    }
    byte type = line[0];
    switch (type) {
      case '+':
        return new Reply.Simple(text(1, len));
      case '-':
        return error(text(1, len));
      case '$':
        return bulk(len);
      case ':':
        throw new ProtocolException("integer replies (':') are not part of the protocol");
      case '*':
        throw new ProtocolException("array replies ('*') are not part of the protocol");
      default:
        throw new ProtocolException(
            "unexpected reply type byte 0x" + Integer.toHexString(type & 0xff));
    }
  }

  private static Reply error(String body) {
    int space = body.indexOf(' ');
    return space < 0
        ? new Reply.Error(body, "")
        : new Reply.Error(body.substring(0, space), body.substring(space + 1));
  }

  private Reply bulk(int len) throws IOException {
    String digits = text(1, len);
    if (digits.equals("-1")) {
      return Reply.NULL;
    }
    long size = parseLength(digits);
    if (size > maxBulkBytes) {
      throw new ProtocolException("bulk reply of " + size + " bytes exceeds cap " + maxBulkBytes);
    }
    byte[] payload = new byte[(int) size];
    int got = 0;
    while (got < size) {
      if (pos == limit && !fill()) {
        throw new EOFException(
            "stream ended inside a bulk reply (" + got + " of " + size + " bytes)");
      }
      int n = Math.min(limit - pos, (int) size - got);
      System.arraycopy(buf, pos, payload, got, n);
      pos += n;
      got += n;
    }
    if (readByte() != '\r' || readByte() != '\n') {
      throw new ProtocolException("bulk reply of " + size + " bytes not followed by CRLF");
    }
    return new Reply.Bulk(payload);
  }

  /** Plain decimal digits only: no sign, no spaces, at most 10 digits. */
  private static long parseLength(String digits) {
    if (digits.isEmpty() || digits.length() > 10) {
      throw new ProtocolException("invalid bulk length: '" + digits + "'");
    }
    long n = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new ProtocolException("invalid bulk length: '" + digits + "'");
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** Reads up to LF into {@link #line}, requires the CR before it, returns the length without. */
  private int readLine() throws IOException {
    int len = 0;
    while (true) {
      if (pos == limit && !fill()) {
        if (len == 0) {
          throw new EOFException("connection closed by server");
        }
        throw new EOFException("stream ended inside a reply line");
      }
      byte b = buf[pos++];
      if (b == '\n') {
        if (len == 0 || line[len - 1] != '\r') {
          throw new ProtocolException("reply line not terminated by CRLF");
        }
        return len - 1;
      }
      if (len == maxLineBytes + 1) {
        throw new ProtocolException("reply line exceeds " + maxLineBytes + " bytes");
      }
      if (len == line.length) {
        line = Arrays.copyOf(line, Math.min(maxLineBytes + 1, line.length * 2));
      }
      line[len++] = b;
    }
  }

  private int readByte() throws IOException {
    if (pos == limit && !fill()) {
      throw new EOFException("stream ended inside a bulk reply (missing CRLF)");
    }
    return buf[pos++];
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      // read() returns 0 only for a zero-length request; treat as the end to avoid spinning.
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  private String text(int from, int to) {
    return new String(line, from, to - from, StandardCharsets.UTF_8);
  }
}
