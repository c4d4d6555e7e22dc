package dev.fabrik.client;

/**
 * The server's reply had an unexpected shape (bad framing, a bulk where {@code +OK} was due,
 * undecodable JSON). The stream can no longer be trusted: the connection is discarded.
 */
public class ProtocolViolationException extends FabrikException {
  public ProtocolViolationException(String message) {
    super(message);
  }

  public ProtocolViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
