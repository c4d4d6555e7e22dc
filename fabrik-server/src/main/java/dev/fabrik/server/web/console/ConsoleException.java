package dev.fabrik.server.web.console;

/**
 * An operator request the console cannot carry out, typed by what went wrong so the web layer can
 * pick the status (404, 400) without the console knowing about HTTP. Nothing was changed.
 */
public final class ConsoleException extends RuntimeException {
  /** Why the request failed. */
  public enum Kind {
    /** The queue, set entry, job or worker does not exist (any more). */
    NOT_FOUND,
    /** The request itself is malformed: a bad cursor, key, action or set name. */
    BAD_REQUEST
  }

  private final Kind kind;

  private ConsoleException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public static ConsoleException notFound(String message) {
    return new ConsoleException(Kind.NOT_FOUND, message);
  }

  public static ConsoleException badRequest(String message) {
    return new ConsoleException(Kind.BAD_REQUEST, message);
  }

  public Kind kind() {
    return kind;
  }
}
