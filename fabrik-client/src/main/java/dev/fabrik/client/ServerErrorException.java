package dev.fabrik.client;

/**
 * The server answered a command with an error line, e.g. {@code -NOTUNIQUE job not unique} or
 * {@code -ERR invalid JSON: ...}. Only that command failed: the connection stays usable.
 */
public class ServerErrorException extends FabrikException {
  private final String code;
  private final String serverMessage;

  public ServerErrorException(String code, String serverMessage) {
    super(serverMessage.isEmpty() ? code : code + " " + serverMessage);
    this.code = code;
    this.serverMessage = serverMessage;
  }

  /** The word after the dash: {@code ERR}, {@code NOTUNIQUE}, ... */
  public String code() {
    return code;
  }

  /** The text after the code (may be empty). */
  public String serverMessage() {
    return serverMessage;
  }
}
