package dev.fabrik.protocol;

import java.io.IOException;

/**
 * The {@link BufferBudget} had no room for the line being read. Unlike {@link LineTooLongException}
 * the rest of the line was not consumed: the stream is no longer framed and the connection must be
 * closed.
 */
public final class BufferRefusedException extends IOException {
  public BufferRefusedException(long bytes) {
    super("no memory left to buffer a line of " + bytes + "+ bytes");
  }
}
