package dev.fabrik.server.manager;

import dev.fabrik.server.CommandException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * FAIL input hygiene (spec §3.7): {@code errtype} and {@code message} trimmed, empty → {@code
 * "unknown"}, cut to 100 and 1000 UTF-8 bytes; backtrace null → empty, at most 50 lines.
 */
final class FailureReports {
  static final int MAX_ERRTYPE_BYTES = 100;
  static final int MAX_MESSAGE_BYTES = 1000;
  static final int MAX_BACKTRACE_LINES = 50;

  /** What reservation expiry records, as Faktory does. */
  static final Sanitized EXPIRED =
      new Sanitized("ReservationExpired", "Faktory job reservation expired", List.of());

  private FailureReports() {}

  record Sanitized(String errtype, String message, List<String> backtrace) {}

  /**
   * @throws CommandException {@code -ERR missing JID}
   */
  static Sanitized sanitize(FailureReport report) {
    if (report.jid() == null || report.jid().isEmpty()) {
      throw CommandException.err("missing JID");
    }
    List<String> bt = report.backtrace() == null ? List.of() : report.backtrace();
    if (bt.size() > MAX_BACKTRACE_LINES) {
      bt = bt.subList(0, MAX_BACKTRACE_LINES);
    }
    return new Sanitized(
        clean(report.errtype(), MAX_ERRTYPE_BYTES),
        clean(report.message(), MAX_MESSAGE_BYTES),
        bt.stream().map(l -> l == null ? "" : l).toList());
  }

  private static String clean(String text, int maxBytes) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return "unknown";
    }
    return truncateUtf8(t, maxBytes);
  }

  /** Cuts to at most {@code maxBytes} of UTF-8 without splitting a character. */
  static String truncateUtf8(String s, int maxBytes) {
    if (s.length() * 3 <= maxBytes || s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return s;
    }
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + len > maxBytes) {
        break;
      }
      bytes += len;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }
}
