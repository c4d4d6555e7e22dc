package dev.fabrik.client;

/**
 * Base of every exception the client throws. Unchecked; subclasses say who must react: {@link
 * ConnectionException} (discard the connection), {@link ServerErrorException} (the server refused
 * this one command; the connection stays usable), {@link ProtocolViolationException} (the reply
 * made no sense; discard the connection).
 */
public class FabrikException extends RuntimeException {
  public FabrikException(String message) {
    super(message);
  }

  public FabrikException(String message, Throwable cause) {
    super(message, cause);
  }
}
