package dev.fabrik.server.web.console;

import dev.fabrik.server.storage.SetEntry;

/**
 * Set entry keys and page cursors as text: both are the store's URL-safe {@link
 * SetEntry.Key#asString()} form ({@code <epochSecond>_<nano>_<seq>_<jid>}, e.g. {@code
 * 1782838800_500000000_42_YdJ3kPqZr1x0AbCd}); a cursor is the key to continue after, and scripts
 * should treat it as opaque.
 */
final class EntryKeys {
  private EntryKeys() {}

  static String format(SetEntry.Key key) {
    return key.asString();
  }

  /**
   * @throws ConsoleException BAD_REQUEST when {@code text} is no key
   */
  static SetEntry.Key parse(String text) {
    try {
      return SetEntry.Key.parse(text);
    } catch (IllegalArgumentException e) {
      throw ConsoleException.badRequest(
          "malformed entry key \"" + abbreviate(text) + "\": use a key as a page lists it");
    }
  }

  /**
   * @return null for a null or empty cursor (the first page)
   * @throws ConsoleException BAD_REQUEST for a cursor no page handed out
   */
  static SetEntry.Key parseCursor(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      return SetEntry.Key.parse(cursor);
    } catch (IllegalArgumentException e) {
      throw ConsoleException.badRequest(
          "bad page cursor \""
              + abbreviate(cursor)
              + "\": use the \"next\" value of the page before");
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
