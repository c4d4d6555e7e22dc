package dev.fabrik.server.web.console;

import dev.fabrik.server.storage.SetEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Set entry keys and page cursors as text.
 *
 * <p>A key is {@code <epoch seconds>.<nanos, 9 digits>|<jid>} (Faktory's {@code <score>|<jid>} idea
 * with an exact score), e.g. {@code 1782838800.500000000|YdJ3kPqZr1x0AbCd}; URLs carry it
 * percent-encoded. A cursor is the key of the last entry of the page before, base64url-encoded, so
 * scripts treat it as opaque.
 */
final class EntryKeys {
  private EntryKeys() {}

  static String format(SetEntry.Key key) {
    Instant s = key.score();
    return s.getEpochSecond() + "." + String.format("%09d", s.getNano()) + "|" + key.jid();
  }

  /**
   * @throws ConsoleException BAD_REQUEST when {@code text} is no key
   */
  static SetEntry.Key parse(String text) {
    int bar = text == null ? -1 : text.indexOf('|');
    if (bar <= 0 || bar == text.length() - 1) {
      throw badKey(text);
    }
    String score = text.substring(0, bar);
    int dot = score.indexOf('.');
    try {
      long seconds = Long.parseLong(dot < 0 ? score : score.substring(0, dot));
      long nanos = dot < 0 ? 0 : Long.parseLong(score.substring(dot + 1));
      if (nanos < 0 || nanos > 999_999_999 || (dot >= 0 && score.length() - dot - 1 != 9)) {
        throw badKey(text);
      }
      return new SetEntry.Key(Instant.ofEpochSecond(seconds, nanos), text.substring(bar + 1));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw badKey(text);
    }
  }

  private static ConsoleException badKey(String text) {
    return ConsoleException.badRequest(
        "malformed entry key \"" + text + "\": expected <score>|<jid> as a page lists it");
  }

  static String cursor(SetEntry.Key key) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(format(key).getBytes(StandardCharsets.UTF_8));
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
      return parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | ConsoleException e) {
      throw ConsoleException.badRequest(
          "bad page cursor \"" + cursor + "\": use the \"next\" value of the page before");
    }
  }
}
