package dev.fabrik.protocol;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.SerializedString;

/**
 * The JSON form of string values that repeat from one job of a batch to the next: a PUSHB of a
 * thousand jobs writes the same {@code "created_at":"2026-12-06T09:10:00.123456Z"}, job type and
 * queue a thousand times, and escaping them character by character again was a quarter of a PUSHB's
 * CPU in the server (JFR, docs/benchmarks-postgresql.md). One slot per field remembers the last
 * value; a value written again is copied from its cached bytes. Not thread-safe.
 */
final class RepeatedStrings {
  static final int JOBTYPE = 0;
  static final int QUEUE = 1;
  static final int AT = 2;
  static final int CREATED_AT = 3;
  static final int ENQUEUED_AT = 4;

  private final SerializedString[] last = new SerializedString[5];

  /** Writes {@code value} as the generator would, from the cache when it is the slot's last. */
  void write(JsonGenerator g, int slot, String value) {
    SerializedString s = last[slot];
    if (s != null && s.getValue().equals(value)) {
      g.writeString(s);
    } else if (plain(value)) {
      s = new SerializedString(value);
      last[slot] = s;
      g.writeString(s);
    } else {
      g.writeString(value);
    }
  }

  /**
   * Printable ASCII without a quote, a backslash or a slash: its JSON form is the value between
   * quotes whatever the generator's escaping options, so the cached bytes are the ones it writes.
   */
  static boolean plain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '/') {
        return false;
      }
    }
    return true;
  }
}
