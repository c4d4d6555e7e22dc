package dev.fabrik.server.batch;

/**
 * Test-only crash points: a server started with {@code -Dfabrik.fault.halt=<point>} halts at once
 * (as {@code kill -9} would: no shutdown hooks, nothing flushed beyond what was committed) the
 * first time it reaches that point, so a crash test hits an exact window rather than a lucky one
 * (BatchCallbackCrashIT). Without the property, {@link #reached} compares two strings.
 */
final class CrashPoints {
  /** Just after a callback's state {@code "1"} and its job were committed. */
  static final String CALLBACK_STORED = "batch-callback-stored";

  /** Just after a callback job's ACK was stored, before the batch heard of it. */
  static final String CALLBACK_ACKED = "batch-callback-acked";

  /** The exit status of a halt at a crash point (128 + SIGKILL, as a killed process reports). */
  static final int HALT_STATUS = 137;

  private static final String HALT_AT = System.getProperty("fabrik.fault.halt", "");

  private CrashPoints() {}

  static void reached(String point) {
    if (HALT_AT.equals(point)) {
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
