package dev.fabrik.cli.server;

/**
 * Makes SIGTERM and SIGINT exit with status 0 after the shutdown hooks ran. The JVM's own handling
 * exits 143/130, which process supervisors report as a failure even though the stop was clean.
 */
final class Signals {
  private Signals() {}

  @SuppressWarnings("restriction")
  static void exitZeroOnTermAndInt() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> System.exit(0));
      } catch (IllegalArgumentException e) {
        // The signal is unknown here or reserved by the JVM (-Xrs): keep the default handling.
      }
    }
  }
}
