package dev.fabrik.server.manager;

import dev.fabrik.server.CommandException;

/** Queue names are {@code ^[a-zA-Z0-9._-]+$}, case-sensitive, as in Faktory. */
final class QueueNames {
  private QueueNames() {}

  /**
   * A loop, not a regex: every job of a PUSHB is checked, and the matcher was ~5 % of a PUSHB's CPU
   * in the server (JFR).
   */
  static boolean isValid(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code -ERR cannot get "c&c" queue: queue names must match \A[a-zA-Z0-9._-]+\z} */
  static void check(String name) {
    if (!isValid(name)) {
      throw CommandException.err(
          "cannot get \""
              + CommandException.excerpt(name)
              + "\" queue: queue names must match \\A[a-zA-Z0-9._-]+\\z");
    }
  }
}
