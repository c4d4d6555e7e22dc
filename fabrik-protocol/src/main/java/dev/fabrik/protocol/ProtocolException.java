package dev.fabrik.protocol;

/**
 * The peer sent bytes that are not valid protocol (a {@code :} or {@code *} reply, a bad bulk
 * length, a line without CRLF). The stream is no longer framed: discard the connection.
 */
public class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
