package dev.fabrik.server.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts lines out of bytes that arrive in arbitrary pieces: the non-blocking twin of {@link
 * dev.fabrik.protocol.LineReader}, with the same rules. {@code CMD\r\n} and {@code CMD\n} are both
 * lines; the terminator is stripped; a line longer than the cap is skipped up to its newline and
 * reported once as {@link #TOO_LONG}, so the stream stays framed.
 *
 * <pre>
 * read "PUSH {\"jid\":"      next() → null (incomplete)
 * read "\"a\"}\r\nINF"       next() → "PUSH {\"jid\":\"a\"}", next() → null
 * read "O\n"                 next() → "INFO"
 * </pre>
 *
 * The buffer starts small and grows up to the cap for a long line (a PUSHB of a thousand jobs),
 * then shrinks back at the next short line, so thousands of idle connections cost little. An
 * oversized line is dropped as it arrives, never buffered. Bytes already searched for a newline are
 * not searched again, so a 16 MB line arriving in 64 KB reads costs one pass. One framer per
 * connection, one thread at a time.
 */
final class LineFramer {
  /** Returned by {@link #next()} for a line over the cap (compared by identity). */
  static final String TOO_LONG = new String("<line too long>");

  private final int maxLineBytes;
  private final int initialBytes;
  private ByteBuffer in;

  /** Bytes at the front of the buffer known to hold no newline. */
  private int scanned;

  /** Inside an oversized line: everything up to its newline is dropped. */
  private boolean skipping;

  LineFramer(int maxLineBytes, int initialBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.initialBytes = Math.max(64, initialBytes);
    this.in = ByteBuffer.allocate(this.initialBytes);
  }

  /** The buffer to read the socket into (write mode), with room for at least one byte. */
  ByteBuffer readBuffer() {
    if (!in.hasRemaining()) {
      if (in.position() > maxLineBytes + 1) {
        startSkipping(); // +1: a line at the cap may still be followed by its CR
      } else {
        int size = (int) Math.min((long) in.capacity() * 2, (long) maxLineBytes + 2);
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, in.capacity() + 1));
        in.flip();
        bigger.put(in);
        in = bigger;
      }
    }
    return in;
  }

  /**
   * The next complete line, {@link #TOO_LONG} for an oversized one, or {@code null} when no
   * complete line is buffered.
   */
  String next() {
    byte[] a = in.array();
    int end = in.position();
    for (int i = scanned; i < end; i++) {
      if (a[i] != '\n') {
        continue;
      }
      int len = i > 0 && a[i - 1] == '\r' ? i - 1 : i;
      String line;
      if (skipping || len > maxLineBytes) {
        line = TOO_LONG;
      } else {
        line = new String(a, 0, len, StandardCharsets.UTF_8);
      }
      skipping = false;
      consume(i + 1);
      return line;
    }
    scanned = end;
    if (skipping || end > maxLineBytes + 1) {
      startSkipping();
    }
    return null;
  }

  /** Whether bytes of an unfinished line are held (a client that disconnects now half-sent one). */
  boolean partial() {
    return skipping || in.position() > 0;
  }

  /** Whether a complete line is buffered (a pipelining client); does not consume it. */
  boolean hasLine() {
    byte[] a = in.array();
    for (int i = scanned; i < in.position(); i++) {
      if (a[i] == '\n') {
        return true;
      }
    }
    return false;
  }

  int maxLineBytes() {
    return maxLineBytes;
  }

  /** Current buffer size (tests: it must shrink back after a long line). */
  int capacity() {
    return in.capacity();
  }

  /**
   * Drops the first {@code n} bytes. A buffer grown for a long line shrinks at the first short line
   * after it, so a client sending PUSHB after PUSHB keeps its buffer and one that sent a single
   * batch gives the memory back.
   */
  private void consume(int n) {
    int rest = in.position() - n;
    if (in.capacity() > initialBytes && n <= initialBytes / 2 && rest <= initialBytes / 2) {
      ByteBuffer small = ByteBuffer.allocate(initialBytes);
      small.put(in.array(), n, rest);
      in = small;
    } else {
      System.arraycopy(in.array(), n, in.array(), 0, rest);
      in.position(rest);
    }
    scanned = 0;
  }

  /**
   * Drops the buffered part of an oversized line but its last byte (it may be the CR of the
   * terminator still to come), and returns to the small buffer.
   */
  private void startSkipping() {
    byte last = in.get(in.position() - 1);
    if (in.capacity() > initialBytes) {
      in = ByteBuffer.allocate(initialBytes);
    } else {
      in.clear();
    }
    in.put(last);
    scanned = last == '\n' ? 0 : 1;
    skipping = true;
  }
}
