package dev.fabrik.server;

/**
 * A request the server refuses with a known code. The connection answers {@code -CODE message} (for
 * example {@code -ERR jobs must have a jobtype parameter} or {@code -NOTUNIQUE ...}) and reads the
 * next command. Anything else thrown by a handler is logged and answered {@code -ERR}.
 */
public class CommandException extends RuntimeException {
  private final String code;

  public CommandException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** Shorthand for the common {@code ERR} code. */
  public static CommandException err(String message) {
    return new CommandException("ERR", message);
  }

  public String code() {
    return code;
  }
}
