package dev.fabrik.server.storage.sqlite;

import dev.fabrik.server.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few platform threads, each with its own read connection. The SQLite driver is native code that
 * would pin a virtual thread's carrier, so callers hand reads over and wait. WAL lets these reads
 * run beside the writer.
 */
final class ReaderPool implements AutoCloseable {

  /** A read against one connection. */
  @FunctionalInterface
  interface Read<T> {
    T apply(Connection connection) throws SQLException;
  }

  private static final Logger log = LoggerFactory.getLogger(ReaderPool.class);
  private static final String KIND = "SQLite read";

  private final Path file;
  private final StorageErrors errors;
  private final ExecutorService executor;
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Connection> mine = new ThreadLocal<>();

  /**
   * @param errors where failed reads are reported
   */
  ReaderPool(Path file, int threads, StorageErrors errors) {
    this.file = file;
    this.errors = errors;
    this.executor =
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("fabrik-sqlite-reader-", 0).daemon().factory());
  }

  <T> T read(Read<T> read) {
    Future<T> future;
    try {
      future = executor.submit(() -> read.apply(connection()));
    } catch (RejectedExecutionException e) {
      throw new StorageException("store is closed", e);
    }
    try {
      T result = future.get();
      errors.succeeded(KIND);
      return result;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      errors.failed(KIND, cause);
      throw new StorageException("SQLite read failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for a read", e);
    }
  }

  /**
   * Runs {@code read} on a reader without waiting for it; failures are logged.
   *
   * @return false when the pool is closed and the read will not run
   */
  boolean execute(Read<?> read) {
    try {
      executor.execute(
          () -> {
            try {
              read.apply(connection());
            } catch (SQLException e) {
              errors.failed(KIND, e);
            } catch (RuntimeException e) {
              log.warn("background SQLite read failed", e);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private Connection connection() throws SQLException {
    Connection c = mine.get();
    if (c == null) {
      c = Schema.openReader(file);
      mine.set(c);
      connections.add(c);
    }
    return c;
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException e) {
        log.warn("closing a SQLite reader failed", e);
      }
    }
    connections.clear();
  }
}
