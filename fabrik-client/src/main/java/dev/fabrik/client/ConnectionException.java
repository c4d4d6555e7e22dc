package dev.fabrik.client;

/**
 * The connection failed: connect refused, I/O error, read timeout, handshake refused, or the client
 * was already closed. The connection is unusable; a {@link ClientPool} replaces it.
 */
public class ConnectionException extends FabrikException {
  public ConnectionException(String message) {
    super(message);
  }

  public ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
