package dev.fabrik.server.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * The replies of one {@link ChannelConnection} that are not yet on the wire. Filled and flushed by
 * whichever thread completes a command (the SQLite writer for a PUSH, a virtual thread for a FETCH
 * that waited) and by the event loop; never blocks. Replies are queued in command order, so whoever
 * flushes sends them in that order.
 *
 * <p>What the socket does not take waits for {@code OP_WRITE}. The outbox sets and clears that
 * interest itself, under the same lock as the writes, so two threads flushing at once cannot leave
 * bytes queued with nobody asking to be told when the socket drains.
 *
 * <p>What waits is charged to the {@link MemoryBudget} in steps of {@link #CHARGE_STEP} and given
 * back once written, so a reply that leaves at once (the usual lockstep client) costs the budget
 * nothing.
 */
final class Outbox {
  static final int CHARGE_STEP = 16 * 1024;

  private final SocketChannel channel;
  private final MemoryBudget budget;
  private final Runnable onBroken;
  private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();
  private int pending;
  private Runnable whenDrained;
  private SelectionKey key;
  private EventLoop loop;
  private boolean waitingForWritable;

  /** Bytes taken from the budget for what waits. */
  private long charged;

  /**
   * @param onBroken run (outside the lock) when a write fails: the peer is gone
   */
  Outbox(SocketChannel channel, MemoryBudget budget, Runnable onBroken) {
    this.channel = channel;
    this.budget = budget;
    this.onBroken = onBroken;
  }

  /** The channel is registered: from now on a write that comes up short asks for OP_WRITE. */
  synchronized void registered(SelectionKey key, EventLoop loop) {
    this.key = key;
    this.loop = loop;
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
    Runnable after = null;
    boolean empty;
    boolean wake = false;
    synchronized (this) {
      try {
        writeLocked();
        charge();
        empty = queued.isEmpty();
        if (empty) {
          after = whenDrained;
          whenDrained = null;
        }
        wake = watchWritable(!empty);
      } catch (IOException | CancelledKeyException e) {
        dropLocked();
        empty = true;
        after = onBroken;
      }
    }
    if (wake) {
      loop.wakeup(); // the selector picks up the new interest when it next selects
    }
    if (after != null) {
      after.run();
    }
    return empty;
  }

  /** Forgets what was not sent and gives its memory back; the connection is closed. */
  synchronized void drop() {
    dropLocked();
  }

  private void dropLocked() {
    queued.clear();
    pending = 0;
    charge();
  }

  /** Brings the charge in line with what waits: up in steps, back down once mostly written. */
  private void charge() {
    if (pending == charged) {
      return; // the usual case: nothing waits, nothing charged
    }
    if (pending > charged) {
      long more = (pending - charged + CHARGE_STEP - 1) / CHARGE_STEP * CHARGE_STEP;
      budget.reserve(more);
      charged += more;
    } else if (pending <= charged / 2) {
      long keep = (pending + CHARGE_STEP - 1) / CHARGE_STEP * CHARGE_STEP;
      budget.release(charged - keep);
      charged = keep;
    }
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

  /** Returns whether the loop must be woken to see a new interest. */
  private boolean watchWritable(boolean want) {
    if (key == null || want == waitingForWritable) {
      return false;
    }
    waitingForWritable = want;
    if (want) {
      key.interestOpsOr(SelectionKey.OP_WRITE);
      return !loop.inLoop();
    }
    key.interestOpsAnd(~SelectionKey.OP_WRITE);
    return false;
  }
}
