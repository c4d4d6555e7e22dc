package dev.fabrik.protocol;

import java.io.IOException;

/** A line went past the reader's cap. The line was skipped; the stream is still framed. */
public final class LineTooLongException extends IOException {
  private final int limit;

  public LineTooLongException(int limit) {
    super("line exceeds " + limit + " bytes");
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }
}
