package dev.fabrik.server.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Enforces one deadline over many reads: a client that drips a byte every second must still finish
 * HELLO within the handshake timeout, which a plain per-read {@code SO_TIMEOUT} would not ensure.
 * Costs no extra thread: each read sets the socket timeout to the time left.
 */
final class DeadlineInputStream extends FilterInputStream {
  private final Socket socket;
  private long deadlineNanos;
  private boolean armed;

  DeadlineInputStream(Socket socket, InputStream in) {
    super(in);
    this.socket = socket;
  }

  void arm(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
    this.armed = true;
  }

  void disarm() throws IOException {
    armed = false;
    socket.setSoTimeout(0);
  }

  @Override
  public int read() throws IOException {
    beforeRead();
    return super.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    beforeRead();
    return super.read(b, off, len);
  }

  private void beforeRead() throws IOException {
    if (!armed) {
      return;
    }
    long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (leftMillis <= 0) {
      throw new SocketTimeoutException("handshake deadline passed");
    }
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
  }
}
