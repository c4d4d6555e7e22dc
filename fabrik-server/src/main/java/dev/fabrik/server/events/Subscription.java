package dev.fabrik.server.events;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One subscriber's bounded buffer. The hub {@link #offer}s without ever waiting; when the buffer is
 * full the subscriber is {@linkplain #dropped() dropped} (the hub forgets it, so it holds no more
 * memory than its buffer) and its reader ends the stream with a final event saying so.
 */
public final class Subscription implements AutoCloseable {
  /** Put in the buffer to wake the reader at once (drop, close). */
  private static final JobEvent WAKE = new JobEvent(-1, "", "", null, null, null, null, null);

  private final EventFilter filter;
  private final BlockingQueue<JobEvent> buffer;
  private final EventHub hub;
  private volatile boolean dropped;
  private volatile boolean closed;

  Subscription(EventFilter filter, int capacity, EventHub hub) {
    this.filter = filter;
    // One slot more than the capacity, kept free for the wake-up marker.
    this.buffer = new ArrayBlockingQueue<>(capacity + 1);
    this.hub = hub;
  }

  public EventFilter filter() {
    return filter;
  }

  /** Buffers {@code event}; false when the buffer was full (the caller then drops us). */
  boolean offer(JobEvent event) {
    return buffer.remainingCapacity() > 1 && buffer.offer(event);
  }

  void drop() {
    dropped = true;
    buffer.offer(WAKE);
  }

  /** True once the buffer overflowed: the reader fell too far behind. */
  public boolean dropped() {
    return dropped;
  }

  /** True once closed (by the reader, or by the hub at shutdown). */
  public boolean closed() {
    return closed;
  }

  /**
   * The next buffered event, waiting at most {@code wait}; null when there was none in time, or
   * when the subscription was dropped or closed meanwhile (events buffered before a drop are still
   * handed out first).
   */
  public JobEvent next(Duration wait) throws InterruptedException {
    if (closed) {
      return null;
    }
    JobEvent e = buffer.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    return e == WAKE ? null : e;
  }

  /** Events waiting in the buffer now. */
  public int buffered() {
    return buffer.size();
  }

  /** Unsubscribes; wakes a reader waiting in {@link #next}. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      hub.remove(this);
      buffer.offer(WAKE);
    }
  }
}
