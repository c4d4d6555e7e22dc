package dev.fabrik.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * RFC 3339 timestamps as Faktory writes them: UTC with {@code Z}, fraction up to nanoseconds with
 * trailing zeros trimmed and omitted when zero ({@code 2017-08-17T18:55:26.554544Z}). Parsing takes
 * any RFC 3339 form with a {@code Z} or {@code ±hh:mm} offset; no offset or a space separator is
 * rejected, as the reference server does.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .appendLiteral('Z')
          .toFormatter()
          .withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter PARSE =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .appendOffset("+HH:MM", "Z")
          .toFormatter()
          // SMART would turn Feb 30 into Feb 28 and accept 24:00; Go's parser rejects both.
          .withResolverStyle(ResolverStyle.STRICT);

  private Timestamps() {}

  /**
   * Formats by hand rather than through {@link DateTimeFormatter}: the server stamps every pushed
   * job twice ({@code created_at}, {@code enqueued_at}) and the formatter was a visible share of a
   * PUSH. Years outside 0000–9999 fall back to the formatter.
   */
  public static String format(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      return FORMAT.format(instant);
    }
    StringBuilder b = new StringBuilder(30);
    pad(b, year, 4);
    b.append('-');
    pad(b, t.getMonthValue(), 2);
    b.append('-');
    pad(b, t.getDayOfMonth(), 2);
    b.append('T');
    pad(b, t.getHour(), 2);
    b.append(':');
    pad(b, t.getMinute(), 2);
    b.append(':');
    pad(b, t.getSecond(), 2);
    int nanos = instant.getNano();
    if (nanos != 0) {
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      b.append('.');
      pad(b, nanos, digits);
    }
    return b.append('Z').toString();
  }

  private static void pad(StringBuilder b, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    b.append(digits);
  }

  /**
   * @throws DateTimeParseException with a message fit for {@code invalid timestamp for 'at'}
   */
  public static Instant parse(String text) {
    String t = text;
    // Lowercase 'z'/'t' are legal RFC 3339; the JDK formatter wants upper case.
    if (t.indexOf('t') >= 0 || t.indexOf('z') >= 0) {
      t = t.replace('t', 'T').replace('z', 'Z');
    }
    return OffsetDateTime.parse(t, PARSE).toInstant();
  }
}
