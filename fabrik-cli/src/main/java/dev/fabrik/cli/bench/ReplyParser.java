package dev.fabrik.cli.bench;

import dev.fabrik.protocol.ProtocolException;
import dev.fabrik.protocol.Reply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental reply parser for the event-loop engine: it is fed whatever bytes a non-blocking read
 * returned, possibly a fraction of a reply or several replies, and keeps its place between calls.
 *
 * <pre>
 * +OK\r\n                   Reply.OK (no allocation: the push phase's every reply)
 * -ERR bad job\r\n          Error("ERR", "bad job")
 * $13\r\n{"default":0}\r\n   Bulk, exactly 13 bytes then CRLF
 * $-1\r\n                   Reply.NULL
 * </pre>
 *
 * As strict as the blocking {@code RespReader}: lines end in CRLF, only these four forms, lengths
 * capped before allocation. A {@link ProtocolException} leaves the stream unframed: discard the
 * connection. Not thread-safe.
 */
final class ReplyParser {
  private static final int MAX_LINE = 64 * 1024;
  private static final byte[] OK = {'+', 'O', 'K'};

  private final int maxBulkBytes;
  private byte[] line = new byte[64];
  private int lineLength;
  private boolean sawCr;

  /** Non-null while the body of a bulk reply (then its CRLF) is being read. */
  private byte[] bulk;

  private int bulkRead;

  ReplyParser(int maxBulkBytes) {
    this.maxBulkBytes = maxBulkBytes;
  }

  /**
   * Consumes bytes from {@code in} (in read mode) up to the end of the next complete reply and
   * returns it, or consumes everything and returns null when the reply is not complete yet.
   *
   * @throws ProtocolException the bytes are not a valid reply
   */
  Reply next(ByteBuffer in) {
    if (bulk != null) {
      return bulkBody(in);
    }
    while (in.hasRemaining()) {
      byte b = in.get();
      if (sawCr) {
        if (b != '\n') {
          throw new ProtocolException("CR not followed by LF in a reply line");
        }
        sawCr = false;
        Reply reply = endOfLine();
        lineLength = 0;
        if (reply != null) {
          return reply;
        }
        return bulkBody(in); // a bulk header: its body follows
      }
      if (b == '\r') {
        sawCr = true;
      } else if (b == '\n') {
        throw new ProtocolException("LF without CR in a reply line");
      } else {
        append(b);
      }
    }
    return null;
  }

  private void append(byte b) {
    if (lineLength == line.length) {
      if (lineLength >= MAX_LINE) {
        throw new ProtocolException("reply line longer than " + MAX_LINE + " bytes");
      }
      line = Arrays.copyOf(line, Math.min(MAX_LINE, lineLength * 2));
    }
    line[lineLength++] = b;
  }

  /** The reply a complete line makes, or null after a bulk header (body pending). */
  private Reply endOfLine() {
    if (lineLength == 0) {
      throw new ProtocolException("empty reply line");
    }
    switch (line[0]) {
      case '+':
        return Arrays.equals(line, 0, lineLength, OK, 0, OK.length)
            ? Reply.OK
            : new Reply.Simple(text(1));
      case '-':
        String body = text(1);
        int space = body.indexOf(' ');
        return space < 0
            ? new Reply.Error(body, "")
            : new Reply.Error(body.substring(0, space), body.substring(space + 1));
      case '$':
        return bulkHeader();
      default:
        throw new ProtocolException(
            "unexpected reply type byte 0x" + Integer.toHexString(line[0] & 0xff));
    }
  }

  private Reply bulkHeader() {
    if (lineLength == 3 && line[1] == '-' && line[2] == '1') {
      return Reply.NULL;
    }
    if (lineLength < 2 || lineLength > 11) {
      throw new ProtocolException("invalid bulk length: '" + text(1) + "'");
    }
    long size = 0;
    for (int i = 1; i < lineLength; i++) {
      byte c = line[i];
      if (c < '0' || c > '9') {
        throw new ProtocolException("invalid bulk length: '" + text(1) + "'");
      }
      size = size * 10 + (c - '0');
    }
    if (size > maxBulkBytes) {
      throw new ProtocolException("bulk reply of " + size + " bytes exceeds cap " + maxBulkBytes);
    }
    bulk = new byte[(int) size];
    bulkRead = 0;
    return null;
  }

  /** Copies body bytes, then checks the CRLF after them (bulkRead counts past the body). */
  private Reply bulkBody(ByteBuffer in) {
    int n = Math.min(in.remaining(), bulk.length - bulkRead);
    if (n > 0) {
      in.get(bulk, bulkRead, n);
      bulkRead += n;
    }
    while (bulkRead >= bulk.length && in.hasRemaining()) {
      byte b = in.get();
      byte expected = bulkRead == bulk.length ? (byte) '\r' : (byte) '\n';
      if (b != expected) {
        throw new ProtocolException("bulk reply of " + bulk.length + " bytes not followed by CRLF");
      }
      if (++bulkRead == bulk.length + 2) {
        Reply reply = new Reply.Bulk(bulk);
        bulk = null;
        return reply;
      }
    }
    return null;
  }

  private String text(int from) {
    return new String(line, from, lineLength - from, StandardCharsets.UTF_8);
  }
}
