package dev.fabrik.server.storage;

import dev.fabrik.server.triage.Fingerprint;
import java.nio.charset.StandardCharsets;

/**
 * Which entries of a set a page or a bulk action covers, and in which order.
 *
 * @param jobtype exact job type, or null for any
 * @param text substring searched, ignoring ASCII case, in the stored payload JSON (so it matches
 *     args, error message, backtrace, jid, custom fields), or null/blank for none; compared with
 *     the JSON text as stored (a quote inside a string is {@code \"} there)
 * @param descending newest (highest score) first
 * @param fingerprint the failure group ({@code failure.fingerprint}, 16 hex digits), or null for
 *     any; stores index it, so it is a range scan like the job type
 */
public record SetQuery(String jobtype, String text, boolean descending, String fingerprint) {

  /** Every entry, lowest score first. */
  public static final SetQuery ALL = new SetQuery(null, null, false);

  /** Entries of any failure group. */
  public SetQuery(String jobtype, String text, boolean descending) {
    this(jobtype, text, descending, null);
  }

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
    if (fingerprint != null && !Fingerprint.isHash(fingerprint)) {
      throw new IllegalArgumentException("fingerprint must be 16 lower-case hex digits");
    }
  }

  /** This filter restricted to one failure group. */
  public SetQuery withFingerprint(String fingerprint) {
    return new SetQuery(jobtype, text, descending, fingerprint);
  }

  /**
   * Whether {@code payload}'s {@code failure.fingerprint} is this query's (true when the query
   * names none): for a store that does not index it.
   */
  public boolean fingerprintMatches(byte[] payload) {
    return fingerprint == null || fingerprint.equals(PayloadFailure.fingerprint(payload));
  }

  /** True when entries are filtered (by job type or text). */
  public boolean filtered() {
    return jobtype != null || text != null || fingerprint != null;
  }

  /** True when a payload must be read to decide a match (the text search). */
  public boolean searchesText() {
    return text != null;
  }

  /** The same filter in the other order. */
  public SetQuery withDescending(boolean descending) {
    return new SetQuery(jobtype, text, descending, fingerprint);
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
