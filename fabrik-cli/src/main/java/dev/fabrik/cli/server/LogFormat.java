package dev.fabrik.cli.server;

/**
 * The two log layouts of {@code src/main/resources/logback.xml}. The choice travels as the system
 * property {@value #PROPERTY}, which logback reads once, when the first logger is created: so it
 * must be set before anything logs.
 */
public enum LogFormat {
  /** {@code 2025-01-01T12:00:00.000Z INFO  dev.fabrik.Server port=7419 fabrik listening ...}. */
  TEXT,
  /** One JSON object per line (logback's JsonEncoder), for log shippers. */
  JSON;

  public static final String PROPERTY = "fabrik.log.format";

  /** Selects this format for the process; call before the first logger is created. */
  public void install() {
    System.setProperty(PROPERTY, name().toLowerCase(java.util.Locale.ROOT));
  }
}
