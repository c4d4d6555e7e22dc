package dev.fabrik.server.batch;

/** The two callbacks of a batch; the wire name goes into the callback job's {@code custom._cb}. */
public enum Callback {
  COMPLETE("complete"),
  SUCCESS("success");

  private final String wireName;

  Callback(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The callback named {@code s}, or null. */
  public static Callback fromWire(String s) {
    for (Callback c : values()) {
      if (c.wireName.equals(s)) {
        return c;
      }
    }
    return null;
  }
}
