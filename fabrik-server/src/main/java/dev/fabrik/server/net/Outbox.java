package dev.fabrik.server.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * The replies of one {@link ChannelConnection} that are not yet on the wire. Filled and flushed by
 * whichever thread completes a command (the SQLite writer for a PUSH, a virtual thread for a FETCH)
 * and by the event loop when the socket becomes writable again; never blocks. Replies are queued in
 * command order, so whoever flushes sends them in that order.
 */
final class Outbox {
  private final SocketChannel channel;
  private final Runnable onBroken;
  private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();
  private int pending;
  private Runnable whenDrained;

  /**
   * @param onBroken run (outside the lock) when a write fails: the peer is gone
   */
  Outbox(SocketChannel channel, Runnable onBroken) {
    this.channel = channel;
    this.onBroken = onBroken;
  }

  synchronized void add(byte[] reply) {
    queued.addLast(ByteBuffer.wrap(reply));
    pending += reply.length;
  }

  /** Bytes queued and not yet taken by the socket. */
  synchronized int pending() {
    return pending;
  }

  /** Runs {@code action} once everything queued so far has been written (now, if it has). */
  void whenDrained(Runnable action) {
    synchronized (this) {
      if (!queued.isEmpty()) {
        whenDrained = action;
        return;
      }
    }
    action.run();
  }

  /**
   * Writes as much as the socket takes without blocking.
   *
   * @return true when nothing is left to write (also when the peer is gone)
   */
  boolean flush() {
    Runnable after;
    boolean empty;
    synchronized (this) {
      try {
        writeLocked();
        empty = queued.isEmpty();
        after = empty ? whenDrained : null;
        if (empty) {
          whenDrained = null;
        }
      } catch (IOException e) {
        queued.clear();
        pending = 0;
        empty = true;
        after = onBroken;
      }
    }
    if (after != null) {
      after.run();
    }
    return empty;
  }

  private void writeLocked() throws IOException {
    while (!queued.isEmpty()) {
      long n =
          queued.size() == 1
              ? channel.write(queued.peekFirst())
              // Gathering write: a pipelining client's replies leave in one system call.
              : channel.write(queued.toArray(ByteBuffer[]::new));
      pending -= (int) n;
      while (!queued.isEmpty() && !queued.peekFirst().hasRemaining()) {
        queued.pollFirst();
      }
      if (n == 0) {
        return; // the socket is full: the rest waits for OP_WRITE
      }
    }
  }
}
