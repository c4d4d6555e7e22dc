package dev.fabrik.server.net;

import dev.fabrik.protocol.Reply;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a command that may wait a long time (FETCH) so that shutdown can interrupt the wait, and
 * only the wait: an interrupt that lands after the handler returned must not reach the socket write
 * that follows (on a virtual thread it would close the socket).
 */
final class BlockingCall {
  private final ReentrantLock lock = new ReentrantLock();
  private Thread waiting;

  /**
   * @param listener asked whether the server stops, under the lock: a stop that began before the
   *     call is seen here, one that begins after finds the thread to interrupt
   * @throws InterruptedException the server is stopping (answer so, then close)
   */
  Reply call(Handling handling, Listener listener) throws InterruptedException {
    lock.lock();
    try {
      if (listener.stopping()) {
        throw new InterruptedException("server stopping");
      }
      waiting = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    try {
      return handling.handle();
    } finally {
      lock.lock();
      try {
        waiting = null;
        Thread.interrupted();
      } finally {
        lock.unlock();
      }
    }
  }

  /** A command's handling, on the calling thread. */
  interface Handling {
    Reply handle() throws InterruptedException;
  }

  /** Interrupts the thread waiting in {@link #call}, if any. */
  void interrupt() {
    lock.lock();
    try {
      if (waiting != null) {
        waiting.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }
}
