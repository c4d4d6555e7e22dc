package dev.fabrik.server.config;

import dev.fabrik.server.storage.Durability;
import java.util.Locale;

/**
 * The operator-facing names of {@link Durability}: {@code normal} (survives a process crash; SQLite
 * {@code synchronous=NORMAL}) and {@code strict} (survives power loss; fsync per commit).
 */
public final class DurabilityNames {
  private DurabilityNames() {}

  /**
   * Parses {@code normal} or {@code strict}, case-insensitively.
   *
   * @param where names the setting in the error message
   */
  public static Durability parse(String name, String where) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "normal" -> Durability.PROCESS_CRASH;
      case "strict" -> Durability.POWER_LOSS;
      default ->
          throw new ConfigException(where + " must be normal or strict, not \"" + name + "\"");
    };
  }

  /** The name {@link #parse} accepts for this durability. */
  public static String name(Durability durability) {
    return switch (durability) {
      case PROCESS_CRASH -> "normal";
      case POWER_LOSS -> "strict";
    };
  }
}
