package dev.fabrik.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A bounded, thread-safe pool of {@link Client}s. Connections open lazily; a borrower waits up to
 * the borrow timeout for a free one. A client returned {@linkplain Client#isBroken() broken} (after
 * an I/O or protocol error) is closed, and its slot opens a fresh connection on the next borrow.
 *
 * <pre>{@code
 * ClientPool pool = ClientPool.create(config, 10, Duration.ofSeconds(5));
 * pool.withClient(c -> { c.push(Jobs.of("SendEmail", 42)); return null; });
 * }</pre>
 */
public final class ClientPool implements AutoCloseable {
  private final ClientConfig config;
  private final int maxSize;
  private final Duration borrowTimeout;
  private final Semaphore permits;
  private final ArrayDeque<Client> idle = new ArrayDeque<>();
  // Guards release(): a client given back twice would otherwise free two slots.
  private final Set<Client> lent = Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean closed;

  private ClientPool(ClientConfig config, int maxSize, Duration borrowTimeout) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
    }
    this.config = Objects.requireNonNull(config, "config");
    this.maxSize = maxSize;
    this.borrowTimeout = Objects.requireNonNull(borrowTimeout, "borrowTimeout");
    this.permits = new Semaphore(maxSize, true);
  }

  /** A pool of at most {@code maxSize} connections; borrowers wait up to {@code borrowTimeout}. */
  public static ClientPool create(ClientConfig config, int maxSize, Duration borrowTimeout) {
    return new ClientPool(config, maxSize, borrowTimeout);
  }

  public int maxSize() {
    return maxSize;
  }

  /** Connections currently open and not borrowed. */
  public synchronized int idleCount() {
    return idle.size();
  }

  /** Threads currently waiting in {@link #borrow()} (an estimate, for monitoring and tests). */
  public int waitingBorrowers() {
    return permits.getQueueLength();
  }

  /**
   * Takes a client for this thread's exclusive use; give it back with {@link #release(Client)}.
   *
   * @throws PoolTimeoutException every connection stayed borrowed for the whole timeout
   * @throws ConnectionException a fresh connection had to be opened and could not be
   */
  public Client borrow() {
    boolean acquired;
    try {
      acquired = permits.tryAcquire(borrowTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FabrikException("interrupted while waiting for a pooled connection", e);
    }
    if (!acquired) {
      throw new PoolTimeoutException(maxSize, borrowTimeout);
    }
    try {
      Client client = takeIdle();
      if (client == null) {
        client = Client.connect(config);
      }
      synchronized (this) {
        lent.add(client);
      }
      return client;
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /**
   * Returns a borrowed client; a broken one is closed and will be replaced.
   *
   * @throws IllegalArgumentException the client is not currently lent out by this pool
   */
  public void release(Client client) {
    boolean keep;
    synchronized (this) {
      if (!lent.remove(client)) {
        throw new IllegalArgumentException("this client is not lent out by this pool");
      }
      keep = !closed && !client.isBroken();
      if (keep) {
        idle.push(client);
      }
    }
    if (!keep) {
      client.close();
    }
    permits.release();
  }

  /** Borrows a client, applies {@code fn}, returns the client (even when {@code fn} throws). */
  public <T> T withClient(Function<Client, T> fn) {
    Client client = borrow();
    try {
      return fn.apply(client);
    } finally {
      release(client);
    }
  }

  /**
   * Borrows a client, passes it to {@code action}, returns it (even when {@code action} throws).
   */
  public void execute(Consumer<Client> action) {
    withClient(
        client -> {
          action.accept(client);
          return null;
        });
  }

  /** Closes idle connections; borrowed ones are closed when released. */
  @Override
  public void close() {
    List<Client> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(idle);
      idle.clear();
    }
    toClose.forEach(Client::close);
  }

  private synchronized Client takeIdle() {
    if (closed) {
      throw new ConnectionException("pool is closed");
    }
    return idle.poll();
  }
}
