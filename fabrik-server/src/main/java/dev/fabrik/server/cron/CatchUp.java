package dev.fabrik.server.cron;

import java.time.Duration;
import java.util.Locale;

/**
 * What to do with ticks that passed while no server was running them (down, or paused is NOT one:
 * resuming starts afresh). Written {@code catch_up = "none" | "last" | "all"}; default {@code
 * last}.
 */
public enum CatchUp {
  /** Skip missed ticks; only a tick at most {@link #GRACE} late still fires. */
  NONE,
  /**
   * Fire the latest missed tick once (the default: a nightly report still runs after a restart).
   */
  LAST,
  /** Fire every missed tick in order, the latest {@link #MAX_ALL} of them at most. */
  ALL;

  /** How late a tick may be and still count as on time under {@link #NONE}. */
  public static final Duration GRACE = Duration.ofSeconds(10);

  /** The bound on ticks {@link #ALL} fires after a downtime. */
  public static final int MAX_ALL = 100;

  /**
   * @throws IllegalArgumentException for anything but none, last, all
   */
  public static CatchUp parse(String text) {
    return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "last" -> LAST;
      case "all" -> ALL;
      default ->
          throw new IllegalArgumentException(
              "catch_up must be \"none\", \"last\" or \"all\", not \"" + text + "\"");
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
