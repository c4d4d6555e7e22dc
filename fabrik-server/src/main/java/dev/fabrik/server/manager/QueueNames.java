package dev.fabrik.server.manager;

import dev.fabrik.server.CommandException;
import java.util.regex.Pattern;

/** Queue names are {@code ^[a-zA-Z0-9._-]+$}, case-sensitive, as in Faktory. */
final class QueueNames {
  private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9._-]+");

  private QueueNames() {}

  static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
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
