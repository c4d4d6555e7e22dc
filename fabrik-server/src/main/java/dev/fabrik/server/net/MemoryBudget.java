package dev.fabrik.server.net;

import dev.fabrik.protocol.BufferBudget;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all connections together may hold in unfinished lines and unsent replies, so that no
 * mix of clients can fill the heap: 36 clients each sending {@code PUSH } and 15 MB without a line
 * end would otherwise take 576 MB of line buffers.
 *
 * <p>Input asks ({@link #tryReserve}) and is refused past the limit: the connection is told {@code
 * -ERR} and closed. A reply is already made when it waits for the socket, so the outbox takes its
 * share regardless ({@link #reserve}); while the budget is spent, a connection with replies waiting
 * starts no further command. Buffers account when they grow or shrink, never per byte, and a
 * lockstep client whose lines arrive whole never touches the budget at all.
 */
final class MemoryBudget implements BufferBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  MemoryBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.limit = limit;
  }

  /**
   * The budget for {@code configured} bytes, or when that is 0 a quarter of the heap: room for the
   * lines to be decoded (a line's String, its job and the stored copy are as large again).
   */
  static MemoryBudget of(long configured) {
    return new MemoryBudget(configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 4);
  }

  /** Takes {@code bytes} if they fit under the limit. */
  @Override
  public boolean tryReserve(long bytes) {
    long now = used.get();
    while (true) {
      long next = now + bytes;
      if (next > limit) {
        return false;
      }
      long seen = used.compareAndExchange(now, next);
      if (seen == now) {
        return true;
      }
      now = seen;
    }
  }

  /** Takes {@code bytes} even past the limit (replies already made). */
  void reserve(long bytes) {
    used.addAndGet(bytes);
  }

  @Override
  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** True when nothing more fits: connections with replies waiting start no further command. */
  boolean spent() {
    return used.get() >= limit;
  }

  long used() {
    return used.get();
  }

  long limit() {
    return limit;
  }
}
