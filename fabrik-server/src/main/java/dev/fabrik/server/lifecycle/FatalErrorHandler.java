package dev.fabrik.server.lifecycle;

import org.slf4j.LoggerFactory;

/**
 * What the server does when a thread it cannot do without hits an error the JVM does not recover
 * from ({@link VirtualMachineError}: out of memory, stack overflow, an internal error). Going on
 * would leave a process that accepts connections and serves nobody, so the default {@link #halt()}
 * logs one line and ends the process for a supervisor to restart it; every answered write is
 * already as durable as a {@code kill -9} needs. Tests inject a handler that records instead.
 */
@FunctionalInterface
public interface FatalErrorHandler {
  /** Exit status of {@link #halt()}: EX_SOFTWARE, "internal software error". */
  int HALT_STATUS = 70;

  /**
   * Called on the failing thread. The default does not return; a handler that does leaves that
   * thread's work stopped (an event loop ends, the listener stops accepting).
   *
   * @param where what the thread was doing: {@code "event loop fabrik-loop-0"}, {@code "accept"}
   */
  void fatal(String where, Throwable error);

  /** Whether {@code error} is one a thread must not carry on after. */
  static boolean isFatal(Throwable error) {
    return error instanceof VirtualMachineError;
  }

  /**
   * Logs {@code fatal java.lang.OutOfMemoryError: Java heap space in event loop fabrik-loop-0;
   * halting (status 70) so that a supervisor restarts Fabrik} and halts the JVM without running
   * shutdown hooks, which could wait on the very thread that failed.
   */
  static FatalErrorHandler halt() {
    return (where, error) -> {
      String line =
          "fatal "
              + error
              + " in "
              + where
              + "; halting (status "
              + HALT_STATUS
              + ") so that a supervisor restarts Fabrik";
      try {
        LoggerFactory.getLogger(FatalErrorHandler.class).error(line, error);
      } catch (Throwable logFailed) {
        System.err.println(line); // the logger itself may need the memory that ran out
      } finally {
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    };
  }
}
