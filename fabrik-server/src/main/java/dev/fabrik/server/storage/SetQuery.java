package dev.fabrik.server.storage;

import java.nio.charset.StandardCharsets;

/**
 * Which entries of a set a page or a bulk action covers, and in which order.
 *
 * @param jobtype exact job type, or null for any
 * @param text substring searched, ignoring ASCII case, in the stored payload JSON (so it matches
 *     args, error message, backtrace, jid, custom fields), or null/blank for none; compared with
 *     the JSON text as stored (a quote inside a string is {@code \"} there)
 * @param descending newest (highest score) first
 */
public record SetQuery(String jobtype, String text, boolean descending) {

  /** Every entry, lowest score first. */
  public static final SetQuery ALL = new SetQuery(null, null, false);

  /** Longest accepted search text or job type, in characters. */
  public static final int MAX_LENGTH = 1000;

  public SetQuery {
    if (jobtype != null && (jobtype.isEmpty() || jobtype.length() > MAX_LENGTH)) {
      throw new IllegalArgumentException(
          "jobtype must be 1 to " + MAX_LENGTH + " characters, or absent");
    }
    if (text != null && text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "search text must be at most " + MAX_LENGTH + " characters");
    }
    if (text != null && text.isBlank()) {
      text = null;
    }
  }

  /** True when entries are filtered (by job type or text). */
  public boolean filtered() {
    return jobtype != null || text != null;
  }

  /** True when a payload must be read to decide a match (the text search). */
  public boolean searchesText() {
    return text != null;
  }

  /** The same filter in the other order. */
  public SetQuery withDescending(boolean descending) {
    return new SetQuery(jobtype, text, descending);
  }

  /**
   * Whether {@code payload} contains the search text, ASCII case ignored (what SQLite's LIKE does).
   * True when there is no search text.
   */
  public boolean textMatches(byte[] payload) {
    if (text == null) {
      return true;
    }
    byte[] needle = asciiLower(text.getBytes(StandardCharsets.UTF_8));
    outer:
    for (int i = 0; i + needle.length <= payload.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (asciiLower(payload[i + j]) != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] asciiLower(byte[] b) {
    byte[] out = b.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = asciiLower(out[i]);
    }
    return out;
  }

  private static byte asciiLower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
  }
}
