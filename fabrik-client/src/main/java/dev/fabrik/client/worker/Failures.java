package dev.fabrik.client.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a handler's exception into the FAIL payload:
 *
 * <pre>
 * FAIL {"jid":"...","errtype":"java.lang.IllegalStateException","message":"boom",
 *       "backtrace":["com.acme.Mailer.send(Mailer.java:42)", ...]}
 * </pre>
 *
 * The server keeps at most 50 backtrace lines, so we send no more, at most 20 per exception; causes
 * follow their effect as {@code "Caused by: type: message"} lines, like a Java stack trace.
 */
final class Failures {
  static final int MAX_BACKTRACE = 50;

  /** Framework frames under the handler are many; leave room for the causes, which say more. */
  static final int FRAMES_PER_CAUSE = 20;

  private Failures() {}

  static String message(Throwable error) {
    String m = error.getMessage();
    return m == null || m.isBlank() ? error.getClass().getSimpleName() : m;
  }

  static List<String> backtrace(Throwable error) {
    List<String> lines = new ArrayList<>();
    Throwable t = error;
    int depth = 0;
    while (t != null && lines.size() < MAX_BACKTRACE && depth++ < 10) {
      if (t != error) {
        lines.add("Caused by: " + t.getClass().getName() + ": " + message(t));
      }
      int frames = 0;
      for (StackTraceElement e : t.getStackTrace()) {
        if (lines.size() >= MAX_BACKTRACE || frames++ >= FRAMES_PER_CAUSE) {
          break;
        }
        lines.add(e.toString());
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return lines;
  }
}
