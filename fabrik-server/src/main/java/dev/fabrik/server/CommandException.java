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

  /** Longest piece of client input an error message quotes. */
  public static final int EXCERPT_CHARS = 64;

  /**
   * Client input as an error message may quote it: whole when short, else its start and its length,
   * so a 5 MB line is not sent back: {@code unknown command xxxxxxxx… (5242880 chars)}.
   */
  public static String excerpt(String input) {
    if (input == null || input.length() <= EXCERPT_CHARS) {
      return input;
    }
    int cut = EXCERPT_CHARS;
    if (Character.isHighSurrogate(input.charAt(cut - 1))) {
      cut--; // do not split a character in two
    }
    return input.substring(0, cut) + "… (" + input.length() + " chars)";
  }
}
