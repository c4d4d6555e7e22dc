package dev.fabrik.protocol;

import java.util.Random;

/** Random PUSHB bodies for equivalence tests: odd numbers, escapes, nesting, whitespace. */
final class RandomJson {
  private static final String[] NUMBERS = {
    "0", "-0", "7", "-12", "2147483647", "2147483648", "-9223372036854775808",
    "9223372036854775808", "1.10", "-0.0", "1e3", "1E-7", "2.50e+2", "123456789.123456789123",
    "1e400", "0.000"
  };
  private static final String[] STRINGS = {
    "\"\"",
    "\"a\"",
    "\"ü€𝄞\"",
    "\"\\u0041\\n\\t\\\"\\\\\\/\"",
    "\"\\ud834\\udd1e\"",
    "\"\\u0000\"",
    "\"\u2028\"",
    "\"<&>'\""
  };
  private static final String[] KEYS = {
    "a", "b", "k", "ü", "\\u00fc", "with space", "\\\"q\\\"", "priority", "x"
  };
  private static final String[] JOB_KEYS = {
    "jid",
    "jobtype",
    "args",
    "queue",
    "retry",
    "reserve_for",
    "at",
    "created_at",
    "enqueued_at",
    "backtrace",
    "custom",
    "priority",
    "x",
    "y",
    "z"
  };

  private RandomJson() {}

  static String body(Random r) {
    StringBuilder b = new StringBuilder("[");
    int jobs = r.nextInt(4);
    for (int i = 0; i < jobs; i++) {
      if (i > 0) {
        b.append(ws(r)).append(',');
      }
      job(r, b);
    }
    return b.append(']').toString();
  }

  private static void job(Random r, StringBuilder b) {
    b.append(ws(r)).append('{');
    int fields = r.nextInt(8);
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        b.append(',');
      }
      String key = JOB_KEYS[r.nextInt(JOB_KEYS.length)];
      b.append(ws(r)).append('"').append(key).append('"').append(ws(r)).append(':').append(ws(r));
      switch (key) {
        case "jid", "jobtype", "queue", "at", "created_at", "enqueued_at" ->
            b.append(
                switch (r.nextInt(10)) {
                  case 0 -> "null";
                  case 1, 2 -> STRINGS[r.nextInt(STRINGS.length)];
                  default -> "\"jid-" + r.nextInt(1000) + "\"";
                });
        case "retry", "reserve_for", "backtrace" -> b.append(r.nextInt(50) - 5);
        case "args" -> array(r, b, 3);
        case "custom" -> object(r, b, 3);
        default -> value(r, b, 3);
      }
    }
    b.append(ws(r)).append('}');
  }

  private static void value(Random r, StringBuilder b, int depth) {
    int kind = r.nextInt(depth > 0 ? 7 : 5);
    switch (kind) {
      case 0 -> b.append(NUMBERS[r.nextInt(NUMBERS.length)]);
      case 1 -> b.append(STRINGS[r.nextInt(STRINGS.length)]);
      case 2 -> b.append(r.nextBoolean());
      case 3 -> b.append("null");
      case 4 -> b.append(r.nextInt());
      case 5 -> array(r, b, depth - 1);
      default -> object(r, b, depth - 1);
    }
  }

  private static void array(Random r, StringBuilder b, int depth) {
    b.append('[');
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(ws(r)).append(',');
      }
      b.append(ws(r));
      value(r, b, depth);
    }
    b.append(ws(r)).append(']');
  }

  private static void object(Random r, StringBuilder b, int depth) {
    b.append('{');
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(ws(r)).append('"').append(KEYS[r.nextInt(KEYS.length)]).append("\":");
      value(r, b, Math.max(0, depth));
    }
    b.append('}');
  }

  private static String ws(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> " ";
      case 1 -> "\n\t ";
      default -> "";
    };
  }
}
