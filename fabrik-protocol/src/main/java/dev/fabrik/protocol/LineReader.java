package dev.fabrik.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-terminated lines from a stream with a hard cap on their length.
 *
 * <p>Both {@code CMD\r\n} (Go, Node, Python) and {@code CMD\n} (Ruby writes with {@code puts}) are
 * accepted; the terminator is stripped. A line longer than the cap is consumed up to its newline
 * and reported as {@link LineTooLongException}, so the stream stays framed and the caller can
 * answer {@code -ERR} and carry on. Not thread-safe: one reader per connection.
 *
 * <p>A line longer than {@value #UNCHARGED_LINE_BUFFER} bytes grows a buffer that is charged to the
 * {@link BufferBudget} (a server's bound across its connections) and given back as soon as the line
 * is returned; a growth the budget refuses ends the read with {@link BufferRefusedException}.
 * Shorter lines, the usual commands, never touch the budget.
 */
public final class LineReader {
  private static final int FIRST_LINE_BUFFER = 256;
  private static final int UNCHARGED_LINE_BUFFER = 16 * 1024;

  private final InputStream in;
  private final BufferBudget budget;
  private int maxLineBytes;
  private final byte[] buf;
  private int pos;
  private int limit;
  private byte[] line = new byte[FIRST_LINE_BUFFER];

  /** Bytes of {@code line} taken from the budget (all of it once it grew). */
  private int charged;

  public LineReader(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, BufferBudget.UNLIMITED);
  }

  /**
   * @param budget asked before a long line's buffer grows
   */
  public LineReader(InputStream in, int maxLineBytes, BufferBudget budget) {
    this.in = in;
    this.budget = budget;
    this.buf = new byte[16 * 1024];
    maxLineBytes(maxLineBytes);
  }

  /** Changes the cap for the lines still to come (a server: small until the client is known). */
  public void maxLineBytes(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Gives a long line's buffer back to the budget: the connection ended in the middle of one. */
  public void release() {
    if (charged > 0) {
      budget.release(charged);
      charged = 0;
      line = new byte[FIRST_LINE_BUFFER];
    }
  }

  /**
   * Returns the next line without its terminator, or {@code null} at a clean end of stream (no
   * partial line pending).
   *
   * @throws EOFException the stream ended in the middle of a line (a half-sent command)
   * @throws LineTooLongException the line exceeded the cap; it has been skipped
   * @throws BufferRefusedException the budget had no room for the line; the stream is no longer
   *     framed
   */
  public String readLine() throws IOException {
    int len = 0;
    boolean tooLong = false;
    long seen = 0;
    while (true) {
      if (pos == limit) {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          if (len == 0 && seen == 0) {
            return null;
          }
          throw new EOFException("stream ended inside a line");
        }
        pos = 0;
        limit = n;
      }
      int start = pos;
      int nl = -1;
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl >= 0 ? nl : limit;
      int chunk = end - start;
      seen += chunk;
      if (!tooLong) {
        if (len + chunk > maxLineBytes + 1) { // +1 leaves room for a CR before the LF
          tooLong = true;
          release(); // the rest of the line is only skipped
        } else {
          ensure(len + chunk);
          System.arraycopy(buf, start, line, len, chunk);
          len += chunk;
        }
      }
      pos = nl >= 0 ? nl + 1 : limit;
      if (nl >= 0) {
        break;
      }
    }
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    if (tooLong || len > maxLineBytes) {
      release();
      throw new LineTooLongException(maxLineBytes);
    }
    String text = new String(line, 0, len, StandardCharsets.UTF_8);
    release(); // a long line's buffer is not kept for the short ones that usually follow
    return text;
  }

  /** Bytes already buffered and not yet returned; lets a server tell if a client pipelined. */
  public int available() {
    return limit - pos;
  }

  private void ensure(int capacity) throws BufferRefusedException {
    if (capacity > line.length) {
      int next = Math.max(capacity, Math.min(maxLineBytes + 1, line.length * 2));
      if (next > UNCHARGED_LINE_BUFFER) {
        if (!budget.tryReserve(next)) {
          throw new BufferRefusedException(line.length);
        }
        if (charged > 0) {
          budget.release(charged);
        }
        charged = next;
      }
      line = java.util.Arrays.copyOf(line, next);
    }
  }
}
