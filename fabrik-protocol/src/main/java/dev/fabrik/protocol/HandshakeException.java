package dev.fabrik.protocol;

/**
 * The server refused the handshake ({@code -ERR Invalid password}), closed the socket without a
 * reply, or wants a password none was configured for. The connection is already closed.
 */
public final class HandshakeException extends ProtocolException {
  public HandshakeException(String message) {
    super(message);
  }

  public HandshakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
