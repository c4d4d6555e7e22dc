package dev.fabrik.protocol;

/** The bytes are not a job: bad JSON, or a known field of the wrong type. */
public final class JobFormatException extends RuntimeException {
  public JobFormatException(String message) {
    super(message);
  }

  public JobFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
