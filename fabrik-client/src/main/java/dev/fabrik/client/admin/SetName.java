package dev.fabrik.client.admin;

import java.util.Locale;

/** The sorted sets an operator browses and acts on. */
public enum SetName {
  RETRIES,
  SCHEDULED,
  DEAD;

  /** The name in the API's paths: {@code retries}, {@code scheduled}, {@code dead}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException for any other name, saying which are accepted
   */
  public static SetName parse(String name) {
    for (SetName s : values()) {
      if (s.wireName().equalsIgnoreCase(name == null ? "" : name.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown set \"" + name + "\": use retries, scheduled or dead");
  }
}
