package dev.fabrik.client.admin;

import dev.fabrik.client.FabrikException;

/**
 * The admin API refused a request or could not be reached. The subclasses say who must react: the
 * operator's password ({@link Unauthorized}), the name or filter given ({@link NotFound}, {@link
 * BadRequest}), or the server's whereabouts ({@link Unreachable}). {@link #status()} is the HTTP
 * status, or 0 when no answer came.
 */
public class AdminException extends FabrikException {
  private final int status;

  public AdminException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** 401 (wrong or missing password) or 429 (too many wrong ones). */
  public static final class Unauthorized extends AdminException {
    public Unauthorized(int status, String message) {
      super(status, message, null);
    }
  }

  /** 404: unknown queue, set, entry, worker, cron entry or task. */
  public static final class NotFound extends AdminException {
    public NotFound(String message) {
      super(404, message, null);
    }
  }

  /** 400: a malformed filter, cursor, key or action; nothing was changed. */
  public static final class BadRequest extends AdminException {
    public BadRequest(String message) {
      super(400, message, null);
    }
  }

  /** No HTTP answer: connection refused, timed out, or the server closed it. */
  public static final class Unreachable extends AdminException {
    public Unreachable(String message, Throwable cause) {
      super(0, message, cause);
    }
  }
}
