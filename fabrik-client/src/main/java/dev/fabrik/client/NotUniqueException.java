package dev.fabrik.client;

/**
 * The server refused a PUSH because an equal unique job holds its lock ({@code -NOTUNIQUE Job not
 * unique}): same job type, args and queue, pushed with {@link JobBuilder#uniqueFor} while the
 * earlier one's window lasts. Nothing was stored; the connection stays usable.
 */
public class NotUniqueException extends ServerErrorException {
  /** The error code the server sends. */
  public static final String CODE = "NOTUNIQUE";

  public NotUniqueException(String serverMessage) {
    super(CODE, serverMessage);
  }
}
