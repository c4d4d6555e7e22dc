package dev.fabrik.server.web;

/**
 * A request that cannot be served, with the HTTP status that says why. Handlers (and {@link
 * Requests}' parsers) throw it; the dispatcher turns it into {@code {"error":"..."}} for the API
 * and a small HTML page for browsers. Nothing has been changed when it is thrown.
 */
public final class HttpError extends RuntimeException {
  private final int status;

  public HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, message);
  }
}
