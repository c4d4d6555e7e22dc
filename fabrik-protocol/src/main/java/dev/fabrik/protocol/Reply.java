package dev.fabrik.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One server reply, in the subset of RESP that Faktory speaks. Every form ends in CRLF:
 *
 * <pre>
 * +OK\r\n                 Simple("OK")
 * -ERR unknown command X  Error("ERR", "unknown command X")
 * $13\r\n{"default":0}\r\n  Bulk(bytes)
 * $-1\r\n                 Null
 * </pre>
 *
 * Integers ({@code :}) and arrays ({@code *}) are never sent: the Ruby client rejects them.
 */
public sealed interface Reply permits Reply.Simple, Reply.Error, Reply.Bulk, Reply.Null {

  Reply OK = new Simple("OK");
  Reply NULL = new Null();

  /** The exact bytes this reply puts on the wire. */
  byte[] encode();

  static Reply error(String code, String message) {
    return new Error(code, message);
  }

  static Reply bulk(byte[] payload) {
    return new Bulk(payload);
  }

  static Reply bulk(String payload) {
    return new Bulk(payload.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code +TEXT\r\n}; CR and LF in the text are replaced by spaces so framing holds. */
  record Simple(String text) implements Reply {
    @Override
    public byte[] encode() {
      return ("+" + text.replace('\r', ' ').replace('\n', ' ') + "\r\n")
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * {@code -CODE message\r\n}; CR and LF in the message are replaced by spaces so framing holds.
   */
  record Error(String code, String message) implements Reply {
    @Override
    public byte[] encode() {
      String line = message.isEmpty() ? code : code + " " + message;
      return ("-" + line.replace('\r', ' ').replace('\n', ' ') + "\r\n")
          .getBytes(StandardCharsets.UTF_8);
    }

    /** The line without the leading dash, as clients show it: {@code ERR unknown command X}. */
    public String text() {
      return message.isEmpty() ? code : code + " " + message;
    }
  }

  /** {@code $<byte length>\r\n<bytes>\r\n}. */
  record Bulk(byte[] payload) implements Reply {
    @Override
    public byte[] encode() {
      byte[] head = ("$" + payload.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[head.length + payload.length + 2];
      System.arraycopy(head, 0, out, 0, head.length);
      System.arraycopy(payload, 0, out, head.length, payload.length);
      out[out.length - 2] = '\r';
      out[out.length - 1] = '\n';
      return out;
    }

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    // A record compares arrays by identity; replies are values, so compare the bytes.
    @Override
    public boolean equals(Object o) {
      return o instanceof Bulk other && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Bulk[" + text() + "]";
    }
  }

  /**
   * {@code $-1\r\n}: "nothing", e.g. an empty FETCH. Never {@code $0}: Node would JSON.parse "".
   */
  record Null() implements Reply {
    private static final byte[] BYTES = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    public byte[] encode() {
      return BYTES.clone();
    }
  }
}
