package dev.fabrik.server.web.ui;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Timestamps;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * How the pages write numbers, times, sizes and JSON. Templates call these; they return plain text
 * that JTE then escapes.
 */
public final class Display {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /**
   * From this far away a time reads as a date: "in 26324d 21h" says less than "2099-01-01 12:00
   * UTC". app.js applies the same rule to what it refreshes.
   */
  static final Duration RELATIVE_SPAN = Duration.ofDays(7);

  private Display() {}

  /** {@code 1234567} → {@code "1,234,567"}. */
  public static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code "1 job"}, {@code "1,204 jobs"}. */
  public static String jobs(long n) {
    return number(n) + (n == 1 ? " job" : " jobs");
  }

  /** {@code "2026-11-23 00:25:48 UTC"}; {@code "–"} for null. */
  public static String time(Instant t) {
    return t == null ? "–" : TIME.format(t);
  }

  /** A wire timestamp ({@code 2026-11-23T00:36:43.617Z}) as {@link #time}; as is if unreadable. */
  public static String timestamp(String wire) {
    if (wire == null || wire.isEmpty()) {
      return "–";
    }
    try {
      return time(Timestamps.parse(wire));
    } catch (RuntimeException e) {
      return wire;
    }
  }

  /** Compact: {@code "850ms"}, {@code "12s"}, {@code "3m 4s"}, {@code "2h 5m"}, {@code "3d 4h"}. */
  public static String duration(Duration d) {
    if (d == null) {
      return "–";
    }
    long ms = Math.abs(d.toMillis());
    if (ms < 1000) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86400 + "d " + s % 86400 / 3600 + "h";
  }

  /** A queue's latency in seconds, as {@link #duration}; {@code "0s"} for an empty queue. */
  public static String seconds(double seconds) {
    if (seconds <= 0) {
      return "0s";
    }
    return duration(Duration.ofMillis(Math.round(seconds * 1000)));
  }

  /**
   * {@code "5m 2s ago"} or {@code "in 3m 0s"}, relative to {@code now}; a time a week or more away,
   * either side, as its date and minute: {@code "2099-01-01 12:00 UTC"}.
   */
  public static String relative(Instant t, Instant now) {
    if (t == null) {
      return "–";
    }
    Duration d = Duration.between(now, t);
    if (d.abs().compareTo(RELATIVE_SPAN) >= 0) {
      return MINUTE.format(t);
    }
    return d.isNegative() ? duration(d) + " ago" : "in " + duration(d);
  }

  /**
   * A worker's reported load: {@code "3 of 20"}, {@code "3"} (busy only), {@code "? of 20"}
   * (concurrency only), {@code "–"} (neither); -1 means not reported.
   */
  public static String load(int busy, int concurrency) {
    if (concurrency < 0) {
      return busy < 0 ? "–" : String.valueOf(busy);
    }
    return (busy < 0 ? "?" : String.valueOf(busy)) + " of " + concurrency;
  }

  /** {@code 1536} → {@code "1.5 KiB"}. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  /** Indented JSON for a {@code <pre>}; {@code "null"} for null. */
  public static String json(JsonNode node) {
    if (node == null) {
      return "null";
    }
    return JobCodec.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }

  /**
   * A path segment for a link, percent-encoded ({@code /queues/a%2Fb}); spaces become {@code %20}
   * since {@code +} is a literal plus in a path.
   */
  public static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A query-string value, percent-encoded. */
  public static String q(String s) {
    return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
