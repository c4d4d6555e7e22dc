package dev.fabrik.server.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread with a {@link Selector} over many non-blocking client sockets: it reads,
 * frames lines and starts commands for every {@link ChannelConnection} registered with it, and
 * writes what a reply's own thread could not. Work for the loop from other threads goes through
 * {@link #execute}.
 *
 * <p>It also keeps the handshake deadlines. Every connection gets the same timeout, so deadlines
 * come due in the order the connections were registered: a FIFO, no timer wheel needed.
 */
final class EventLoop {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<ChannelConnection> handshakes = new ArrayDeque<>();
  private volatile boolean closed;

  EventLoop(String name) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    thread.start();
  }

  /** Runs {@code task} on the loop thread, after the current round of socket events. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /**
   * Registers {@code channel} for reads with {@code c} as its handler; loop thread only.
   *
   * @throws ClosedChannelException the client is already gone
   */
  SelectionKey register(SocketChannel channel, ChannelConnection c) throws ClosedChannelException {
    return channel.register(selector, SelectionKey.OP_READ, c);
  }

  /** Watches {@code c}'s handshake deadline; loop thread only, in registration order. */
  void watchHandshake(ChannelConnection c) {
    handshakes.addLast(c);
  }

  /** Makes a change of a key's interest set from another thread take effect now. */
  void wakeup() {
    selector.wakeup();
  }

  /** Stops the loop and waits for its thread; connections must be closed before. */
  void close(long deadlineNanos) {
    closed = true;
    selector.wakeup();
    try {
      thread.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Listener.closeQuietly(selector);
  }

  private void run() {
    while (!closed) {
      try {
        selector.select(EventLoop::ready, timeoutMillis());
        runTasks();
        expireHandshakes();
      } catch (IOException e) {
        log.error("event loop select failed", e);
        return;
      } catch (RuntimeException e) {
        // A bug in one connection's handling must not take every other connection down with it.
        log.error("event loop task failed", e);
      }
    }
  }

  private static void ready(SelectionKey key) {
    ChannelConnection c = (ChannelConnection) key.attachment();
    if (!key.isValid()) {
      return;
    }
    try {
      if (key.isWritable()) {
        c.writable();
      }
      if (key.isValid() && key.isReadable()) {
        c.readable();
      }
    } catch (CancelledKeyException e) {
      c.close(); // closed by another thread meanwhile
    } catch (RuntimeException e) {
      log.error("connection failed", e);
      c.close();
    }
  }

  private void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      try {
        t.run();
      } catch (CancelledKeyException e) {
        // its connection was closed by another thread meanwhile: nothing left to do
      } catch (RuntimeException e) {
        log.error("event loop task failed", e);
      }
    }
  }

  private long timeoutMillis() {
    ChannelConnection first = handshakes.peekFirst();
    if (first == null) {
      return 0; // no deadline: wait for events
    }
    return Math.max(1, (first.handshakeDeadline() - System.nanoTime() + 999_999) / 1_000_000);
  }

  private void expireHandshakes() {
    long now = System.nanoTime();
    while (!handshakes.isEmpty() && handshakes.peekFirst().handshakeDeadline() - now <= 0) {
      handshakes.pollFirst().handshakeDeadlinePassed();
    }
  }
}
