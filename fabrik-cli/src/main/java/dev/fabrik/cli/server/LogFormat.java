package dev.fabrik.cli.server;

/**
 * The two log layouts: {@code logback.xml} (text) and {@code logback-json.xml}. Logback reads the
 * system property {@value #PROPERTY} once, when the first logger is created, so {@link #install()}
 * must run before anything logs.
 */
public enum LogFormat {
  /** {@code 2025-01-01T12:00:00.000Z INFO dev.fabrik.Server port=7419 fabrik listening ...}. */
  TEXT,
  /** One JSON object per line (logback's JsonEncoder), for log shippers. */
  JSON;

  /** Logback's own switch for the configuration resource. */
  public static final String PROPERTY = "logback.configurationFile";

  /**
   * Selects this format for the process, unless the operator already named a logback configuration
   * of their own with {@code -Dlogback.configurationFile=...}.
   */
  public void install() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, this == JSON ? "logback-json.xml" : "logback.xml");
    }
  }
}
