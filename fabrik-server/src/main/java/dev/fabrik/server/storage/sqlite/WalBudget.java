package dev.fabrik.server.storage.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * How large the WAL may grow before the writer rewinds it: the configured limit while the disk has
 * room, less when it runs low. The WAL only gives its space back when it is rewound, and a
 * checkpoint needs free space to copy it into the database: a 30 MB WAL on a disk with nothing left
 * could neither be checkpointed nor shrunk, and every write failed until an operator freed space,
 * even after a restart. So the WAL may take at most a quarter of the space it and the free space
 * have together, which always leaves a checkpoint room for every page it copies; below the
 * configured limit the writer truncates the file instead of rewinding it in place, so the blocks go
 * back to the file system.
 *
 * <p>Free space is read at most every {@link #SAMPLE_NANOS} (one {@code statfs}); a truncation that
 * failed (a full disk, a busy reader) is tried again after {@link #RETRY_NANOS}, not after every
 * batch, since each try copies the WAL.
 */
final class WalBudget {

  /** Below this the WAL is never truncated: smaller files are not worth a checkpoint per batch. */
  static final long FLOOR_BYTES = 1L << 20;

  static final long SAMPLE_NANOS = 100_000_000L;
  static final long RETRY_NANOS = 1_000_000_000L;

  private final long configuredBytes;
  private final LongSupplier usableBytes;
  private final LongSupplier nanoTime;
  private long usable = Long.MAX_VALUE;
  private long sampledAt;
  private boolean sampled;
  private long retryAt;
  private boolean retryPending;
  private long usableAtFailure;

  /**
   * @param configuredBytes the limit while space is plentiful (also SQLite's {@code
   *     journal_size_limit})
   * @param usableBytes free bytes on the WAL's file system
   * @param nanoTime the clock that spaces samples and retries
   */
  WalBudget(long configuredBytes, LongSupplier usableBytes, LongSupplier nanoTime) {
    this.configuredBytes = configuredBytes;
    this.usableBytes = usableBytes;
    this.nanoTime = nanoTime;
  }

  /** The budget for a database in {@code dir}, reading the free space of its file system. */
  static WalBudget forDirectory(Path dir, long configuredBytes) {
    FileStore store;
    try {
      store = Files.getFileStore(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the file system of " + dir, e);
    }
    return new WalBudget(configuredBytes, () -> usableSpace(store), System::nanoTime);
  }

  private static long usableSpace(FileStore store) {
    try {
      return store.getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE; // unknown: behave as before, bounded by the configured limit only
    }
  }

  long configuredBytes() {
    return configuredBytes;
  }

  /** What a WAL file of {@code walBytes} calls for now. */
  Action check(long walBytes) {
    long now = nanoTime.getAsLong();
    if (!sampled || now - sampledAt >= SAMPLE_NANOS) {
      usable = usableBytes.getAsLong();
      sampledAt = now;
      sampled = true;
      if (retryPending && usable - usableAtFailure > FLOOR_BYTES) {
        retryPending = false; // space was freed: the copy may fit now
      }
    }
    long limit = limit(walBytes);
    if (walBytes <= limit) {
      return Action.NONE;
    }
    if (limit >= configuredBytes) {
      return Action.REWIND;
    }
    return retryPending && now - retryAt < 0 ? Action.NONE : Action.TRUNCATE;
  }

  /** The limit for a WAL of {@code walBytes} given the free space {@link #check} last read. */
  long limit(long walBytes) {
    long available = usable >= Long.MAX_VALUE - walBytes ? Long.MAX_VALUE : usable + walBytes;
    return Math.min(configuredBytes, Math.max(FLOOR_BYTES, available / 4));
  }

  /** A truncation did not complete: the next waits {@link #RETRY_NANOS} or for freed space. */
  void truncationFailed() {
    retryAt = nanoTime.getAsLong() + RETRY_NANOS;
    retryPending = true;
    usableAtFailure = usable;
  }

  void truncated() {
    retryPending = false;
  }

  enum Action {
    /** Within its budget. */
    NONE,
    /** Past the configured limit with room to spare: rewind in place, keep the file's blocks. */
    REWIND,
    /** Past what the free space allows: copy it back and cut the file to nothing. */
    TRUNCATE
  }
}
