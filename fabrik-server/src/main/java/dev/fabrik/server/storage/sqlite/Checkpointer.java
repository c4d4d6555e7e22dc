package dev.fabrik.server.storage.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL back into the database on its own thread and connection. With SQLite's automatic
 * checkpoint the committing thread (our only writer) would do that copy and stall every caller
 * behind it; a PASSIVE checkpoint here never blocks the writer, and the WAL restarts from its
 * beginning once it has been copied entirely ({@code journal_size_limit} then trims the file).
 * Under a steady load that never happens; the writer then rewinds the WAL itself, taking {@code
 * lock} so that it never meets this thread's checkpoint (SQLite would answer SQLITE_BUSY).
 */
final class Checkpointer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);
  private static final long PERIOD_MILLIS = 200;
  private static final String KIND = "WAL checkpoint";

  private final Path file;
  private final Lock lock;
  private final StorageErrors errors;
  private final Thread thread;
  private volatile boolean stopped;

  /**
   * @param errors where failed checkpoints are reported (on a full disk, every pass fails)
   */
  Checkpointer(Path file, Lock lock, StorageErrors errors) {
    this.file = file;
    this.lock = lock;
    this.errors = errors;
    this.thread =
        Thread.ofPlatform().name("fabrik-sqlite-checkpoint").daemon().unstarted(this::run);
    thread.start();
  }

  private void run() {
    try (Connection c = Schema.openReader(file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA query_only=0");
      while (!stopped) {
        lock.lock();
        try {
          s.execute("PRAGMA wal_checkpoint(PASSIVE)");
          errors.succeeded(KIND);
        } catch (SQLException e) {
          errors.failed(KIND, e);
        } finally {
          lock.unlock();
        }
        synchronized (this) {
          if (!stopped) {
            wait(PERIOD_MILLIS);
          }
        }
      }
    } catch (SQLException e) {
      log.error("WAL checkpointer stopped", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
      notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
