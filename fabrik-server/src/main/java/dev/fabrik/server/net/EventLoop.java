package dev.fabrik.server.net;

import dev.fabrik.server.lifecycle.FatalErrorHandler;
import dev.fabrik.server.wakeup.WakeupBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>Nothing a connection does ends the loop: what one connection's handling throws closes that
 * connection, and a failing select is retried with a backoff. An error the JVM does not recover
 * from (out of memory) goes to the {@link FatalErrorHandler}, which ends the process: a loop that
 * silently died would leave its connections, and every new one handed to it, unserved.
 */
final class EventLoop implements WakeupBatch.Target {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

  /** The loop's read buffer (see {@link LineFramer}): the most one read takes. */
  static final int READ_BUFFER = 64 * 1024;

  /** A select failing this long is not a passing shortage: the loop gives up (fatal). */
  static final long SELECT_FAILING_LIMIT_NANOS = 30_000_000_000L;

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<ChannelConnection> handshakes = new ArrayDeque<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
  private final FatalErrorHandler fatal;
  private final FailureBurst selectFailures;
  private volatile boolean closed;

  /**
   * A wakeup was sent that the loop has not yet returned from select for. Cleared after select
   * returns and before the tasks run: a task added later sends a new wakeup, one added earlier is
   * run in this round. Interest changes need no wakeup of their own once one is pending: every
   * select applies them when it starts.
   */
  private final AtomicBoolean wakeupPending = new AtomicBoolean();

  /** Why the loop stopped serving, or null while it runs. */
  private volatile String stoppedBy;

  EventLoop(String name, FatalErrorHandler fatal) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector", e);
    }
    this.fatal = fatal;
    this.selectFailures = new FailureBurst("select on " + name, log, System::nanoTime);
    this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    thread.start();
  }

  /** The buffer every read on this loop goes into first; loop thread only. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  /** Null while the loop serves; else why it cannot (for {@code /health}). */
  String problem() {
    String stopped = stoppedBy;
    if (stopped != null) {
      return stopped;
    }
    if (!closed && !thread.isAlive()) {
      return "event loop " + thread.getName() + " has ended";
    }
    return selectFailures.problem();
  }

  /** Runs {@code task} on the loop thread, after the current round of socket events. */
  void execute(Runnable task) {
    tasks.add(task);
    wakeup();
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

  /**
   * Makes a change of a key's interest set from another thread take effect now, or once the batch
   * of completions this thread runs ({@link WakeupBatch}) has ended.
   */
  void wakeup() {
    if (!WakeupBatch.deferred(this)) {
      wakeNow();
    }
  }

  @Override
  public void wakeNow() {
    // One selector wakeup per loop round: the JDK's wakeup takes a lock that the loop also takes
    // after its select, so every extra wakeup from a completing thread can make the loop wait.
    if (wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
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
    String where = "event loop " + thread.getName();
    try {
      while (!closed) {
        try {
          try {
            if (tasks.isEmpty()) {
              selector.select(EventLoop::ready, timeoutMillis());
            } else {
              selector.selectNow(EventLoop::ready); // tasks left by a round that failed
            }
          } finally {
            wakeupPending.set(false);
          }
          selectFailures.succeeded();
          runTasks();
          expireHandshakes();
        } catch (IOException e) {
          selectFailed(e);
        } catch (ClosedSelectorException e) {
          throw e; // never works again
        } catch (RuntimeException e) {
          log.error("{}: unexpected failure; the loop goes on", where, e);
        }
      }
    } catch (Throwable e) {
      // An error the JVM does not recover from, or a selector that no longer works.
      stoppedBy = where + " stopped: " + e;
      fatal.fatal(where, e);
    }
  }

  /** Backs off and lets the loop try again; a select that keeps failing ends the loop. */
  private void selectFailed(IOException e) throws IOException {
    long waitMillis = selectFailures.failed(e);
    if (selectFailures.failingForNanos() > SELECT_FAILING_LIMIT_NANOS) {
      throw e;
    }
    try {
      Thread.sleep(waitMillis);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
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
    } catch (Throwable e) {
      contain("connection failed", e);
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
      } catch (Throwable e) {
        contain("event loop task failed", e);
      }
    }
  }

  /**
   * What one connection's handling threw stays with that connection; an error the JVM does not
   * recover from is thrown on, to end the loop through the fatal handler.
   */
  private static void contain(String what, Throwable e) {
    if (FatalErrorHandler.isFatal(e)) {
      throw (VirtualMachineError) e;
    }
    log.error(what, e);
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
      ChannelConnection c = handshakes.pollFirst();
      try {
        c.handshakeDeadlinePassed();
      } catch (Throwable e) {
        contain("closing a connection at its handshake deadline failed", e);
      }
    }
  }
}
