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

  /**
   * Runs {@code action} on each SIGHUP (on the JVM's signal thread, so it should be short). Note: a
   * process started with SIGHUP ignored (nohup, some CI runners) keeps ignoring it unless started
   * with the default disposition ({@code env --default-signal=HUP}).
   */
  @SuppressWarnings("restriction")
  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
    } catch (IllegalArgumentException e) {
      // no SIGHUP here (Windows) or reserved: reload needs a restart
    }
  }
}
