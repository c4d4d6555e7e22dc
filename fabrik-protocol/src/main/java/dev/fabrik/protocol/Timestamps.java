package dev.fabrik.protocol;

import java.time.Instant;
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

  public static String format(Instant instant) {
    return FORMAT.format(instant);
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
