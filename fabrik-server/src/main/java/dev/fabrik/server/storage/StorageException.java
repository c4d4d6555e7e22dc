package dev.fabrik.server.storage;

/** The store could not do what was asked (I/O error, disk full, closed). Nothing was changed. */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
