package dev.fabrik.server.config;

/**
 * The configuration cannot be used; the message says which setting, where it came from and what to
 * do, and is meant to be shown to the operator as is.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
