package dev.fabrik.server.storage;

/**
 * The store could not do what was asked (I/O error, disk full, closed). Nothing was changed. The
 * store logs its own failures (a full disk fails every write, so once per interval with a count):
 * whoever catches one answers it without logging it again.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
