package dev.fabrik.server.storage;

/** The three sorted sets. Wire and INFO names: {@code scheduled}, {@code retries}, {@code dead}. */
public enum SetName {
  SCHEDULED("scheduled"),
  RETRIES("retries"),
  DEAD("dead");

  private final String wireName;

  SetName(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a MUTATE target; null when it names no set. */
  public static SetName fromWire(String name) {
    for (SetName s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
