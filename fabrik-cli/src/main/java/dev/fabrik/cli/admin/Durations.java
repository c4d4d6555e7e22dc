package dev.fabrik.cli.admin;

import java.util.Locale;

/** Short human forms of durations for tables: {@code 1.5s}, {@code 3h12m}. */
final class Durations {
  private Durations() {}

  static String seconds(double s) {
    return s < 60 ? String.format(Locale.ROOT, "%.1fs", s) : compact((long) s);
  }

  static String compact(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + seconds % 60 + "s";
    }
    if (seconds < 86_400) {
      return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
    }
    return seconds / 86_400 + "d" + seconds % 86_400 / 3600 + "h";
  }
}
