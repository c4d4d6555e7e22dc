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
 * <p>Memory: a read goes into the event loop's buffer, lent for that one read ({@link #readBuffer}
 * … {@link #endRead}). Only what is left at the end of the read (a line cut by the network, lines
 * that wait behind a command in flight) moves into a buffer of the connection's own, charged to the
 * {@link MemoryBudget}; it is given back once framed. A long line grows its own buffer (doubling,
 * charged on each growth) up to the cap. So an idle connection holds no buffer, a lockstep client
 * whose lines arrive whole never touches the budget, and a connection the budget refuses is told so
 * ({@code null} / {@code false}) and must be closed. An oversized line is dropped as it arrives,
 * never buffered. Bytes already searched for a newline are not searched again, so a 16 MB line
 * arriving in 64 KB reads costs one pass. One framer per connection, on its loop's thread.
 */
final class LineFramer {
  /** Returned by {@link #next()} for a line over the cap (compared by identity). */
  static final String TOO_LONG = new String("<line too long>");

  private static final ByteBuffer NONE = ByteBuffer.allocate(0);

  /** The loop's buffer: every read goes there unless a long line is being collected. */
  private final ByteBuffer shared;

  private final MemoryBudget budget;
  private int maxLineBytes;

  /** Bytes {@code [start, in.position())} are not framed yet; {@code in} is in write mode. */
  private ByteBuffer in = NONE;

  private int start;

  /** {@code in} is the loop's buffer, between {@link #readBuffer} and {@link #endRead}. */
  private boolean lent;

  /** Capacity of the connection's own buffer, taken from the budget. */
  private int charged;

  /** Bytes before this index (and from {@code start}) are known to hold no newline. */
  private int scanned;

  /** Inside an oversized line: everything up to its newline is dropped. */
  private boolean skipping;

  /**
   * @param shared the loop's read buffer (its capacity is the most one read takes)
   */
  LineFramer(int maxLineBytes, ByteBuffer shared, MemoryBudget budget) {
    this.shared = shared;
    this.budget = budget;
    maxLineBytes(maxLineBytes);
  }

  /** Changes the cap (small before the handshake, the configured one after it). */
  void maxLineBytes(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  int maxLineBytes() {
    return maxLineBytes;
  }

  /**
   * The buffer to read the socket into (write mode), with room for at least one byte; the read asks
   * for at most the loop buffer's size, and no more than a line under the cap can use.
   *
   * @return null when the budget has no room for the growing line: close the connection
   */
  ByteBuffer readBuffer() {
    if (in.position() - start > maxLineBytes + 1 && !hasLine()) {
      startSkipping(); // +1: a line at the cap may still be followed by its CR
    }
    int held = in.position() - start;
    if (held > shared.capacity() / 2) {
      // A long line collects in the connection's own buffer.
      compact();
      if (in.position() == in.capacity() && !grow()) {
        return null;
      }
    } else {
      lend(held);
    }
    long room = Math.min(shared.capacity(), (long) maxLineBytes + 2 - (in.position() - start));
    in.limit((int) Math.min(in.capacity(), in.position() + Math.max(1, room)));
    return in;
  }

  /**
   * Ends a read: bytes the loop's buffer still holds move into a buffer of the connection's own.
   *
   * @return false when the budget has no room for them; they are dropped: close the connection
   */
  boolean endRead() {
    if (!lent) {
      return true;
    }
    lent = false;
    int held = shared.position() - start;
    ByteBuffer from = shared;
    int from0 = start;
    in = NONE;
    scanned -= start;
    start = 0;
    if (held == 0) {
      scanned = 0;
      return true;
    }
    if (!budget.tryReserve(held)) {
      scanned = 0;
      skipping = false;
      return false;
    }
    charged = held;
    in = ByteBuffer.allocate(held);
    in.put(from.array(), from0, held);
    return true;
  }

  /**
   * The next complete line, {@link #TOO_LONG} for an oversized one, or {@code null} when no
   * complete line is buffered.
   */
  String next() {
    byte[] a = in.array();
    int end = in.position();
    for (int i = Math.max(scanned, start); i < end; i++) {
      if (a[i] != '\n') {
        continue;
      }
      int len = (i > start && a[i - 1] == '\r' ? i - 1 : i) - start;
      String line;
      if (skipping || len > maxLineBytes) {
        line = TOO_LONG;
      } else {
        line = new String(a, start, len, StandardCharsets.UTF_8);
      }
      skipping = false;
      consume(i + 1);
      return line;
    }
    scanned = end;
    if (skipping || end - start > maxLineBytes + 1) {
      startSkipping();
    }
    return null;
  }

  /** Whether bytes of an unfinished line are held (a client that disconnects now half-sent one). */
  boolean partial() {
    return skipping || in.position() > start;
  }

  /** Inside a line over the cap, dropping its bytes until its newline. */
  boolean skipping() {
    return skipping;
  }

  /** Whether a complete line is buffered (a pipelining client); does not consume it. */
  boolean hasLine() {
    byte[] a = in.array();
    int end = in.position();
    for (int i = Math.max(scanned, start); i < end; i++) {
      if (a[i] == '\n') {
        scanned = i;
        return true;
      }
    }
    scanned = end;
    return false;
  }

  /** Bytes of the connection's own buffer, charged to the budget (tests). */
  int ownBytes() {
    return charged;
  }

  /** Gives everything back; the connection is closed. Loop thread, not inside a read. */
  void free() {
    if (!lent) {
      freeOwn();
    }
    start = 0;
    scanned = 0;
    skipping = false;
  }

  private void consume(int upTo) {
    start = upTo;
    scanned = upTo;
    if (start == in.position()) {
      if (lent) {
        in.clear();
        start = 0;
        scanned = 0;
      } else {
        freeOwn(); // a long line's buffer goes back as soon as it is framed
      }
    }
  }

  private void freeOwn() {
    if (in != shared) {
      in = NONE;
      start = 0;
      scanned = 0;
    }
    if (charged > 0) {
      budget.release(charged);
      charged = 0;
    }
  }

  /** Moves the few bytes held in front of the loop's buffer and gives the own one back. */
  private void lend(int held) {
    int known = scanned - start;
    shared.clear();
    shared.put(in.array(), start, held);
    freeOwn();
    in = shared;
    lent = true;
    start = 0;
    scanned = known;
  }

  /** Moves the unframed bytes of the own buffer to its front, with the whole buffer free. */
  private void compact() {
    in.limit(in.capacity());
    if (start == 0) {
      return;
    }
    int held = in.position() - start;
    System.arraycopy(in.array(), start, in.array(), 0, held);
    in.limit(in.capacity()).position(held);
    scanned -= start;
    start = 0;
  }

  /** Doubles the own buffer (up to what the cap needs); false when the budget refuses. */
  private boolean grow() {
    int size = (int) Math.min((long) in.capacity() * 2, (long) maxLineBytes + 2);
    size = Math.max(size, in.capacity() + 1);
    if (!budget.tryReserve(size)) {
      return false;
    }
    ByteBuffer bigger = ByteBuffer.allocate(size);
    bigger.put(in.array(), 0, in.position());
    budget.release(charged);
    charged = size;
    in = bigger;
    return true;
  }

  /** Drops the buffered part of an oversized line (it holds no newline) and skips the rest. */
  private void startSkipping() {
    if (lent) {
      in.clear();
      start = 0;
      scanned = 0;
    } else {
      freeOwn();
    }
    skipping = true;
  }
}
