package dev.fabrik.server.storage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One entry of a sorted set: its score, the job's jid and queue, the stored payload, and the
 * store's sequence number of the entry (see {@link Key#seq()}).
 */
public record SetEntry(
    SetName set, Instant score, String jid, String queue, byte[] payload, long seq) {

  /** An entry whose sequence is unknown (built outside a store); its key matches any twin. */
  public SetEntry(SetName set, Instant score, String jid, String queue, byte[] payload) {
    this(set, score, jid, queue, payload, Key.ANY_SEQ);
  }

  public Key key() {
    return new Key(score, jid, seq);
  }

  /**
   * Identifies an entry within a set. Sets are ordered by (score, jid, seq), as Faktory's {@code
   * <score>|<jid>} keys are, plus {@code seq}: a number the store gives each entry when it is added
   * (SQLite's row id, the memory store's insertion counter), so two entries with equal score and
   * jid ("twins") are told apart and a cursor never skips one at a page boundary.
   *
   * <p>A key built without a sequence ({@link #ANY_SEQ}) stands for every twin of (score, jid): as
   * a cursor it skips them all, {@code find} returns the oldest.
   *
   * <p>{@link #asString()} is the stable, URL-safe form used as an opaque id and page cursor:
   * {@code <epochSecond>_<nano>_<seq>_<jid>}, e.g. {@code 1893456000_123456000_42_a1b2-c3}, where
   * jid bytes outside {@code [A-Za-z0-9._-]} are written {@code ~XX} (hex of each UTF-8 byte).
   */
  public record Key(Instant score, String jid, long seq) {

    /** The sequence of a key that names no particular twin. */
    public static final long ANY_SEQ = -1;

    /** Longest string {@link #parse} accepts. */
    private static final int MAX_STRING = 4096;

    /** Scores are kept as epoch microseconds in a long: a parsed key stays within that range. */
    private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / 1_000_000 - 1;

    public Key {
      if (score == null || jid == null) {
        throw new IllegalArgumentException("a set key needs a score and a jid");
      }
      if (seq < ANY_SEQ) {
        throw new IllegalArgumentException("bad set key sequence: " + seq);
      }
    }

    /** A key for every twin with this score and jid (see {@link #ANY_SEQ}). */
    public Key(Instant score, String jid) {
      this(score, jid, ANY_SEQ);
    }

    /** True when this key names a particular entry rather than any twin. */
    public boolean hasSeq() {
      return seq != ANY_SEQ;
    }

    /** The URL-safe string form; {@link #parse} reads it back to an equal key. */
    public String asString() {
      StringBuilder b = new StringBuilder(48 + jid.length());
      b.append(score.getEpochSecond()).append('_').append(score.getNano()).append('_');
      b.append(seq).append('_');
      for (byte x : jid.getBytes(StandardCharsets.UTF_8)) {
        char c = (char) (x & 0xff);
        if (safe(c)) {
          b.append(c);
        } else {
          b.append('~').append(HexFormat.of().withUpperCase().toHexDigits(x));
        }
      }
      return b.toString();
    }

    /**
     * Reads {@link #asString()}'s form.
     *
     * @throws IllegalArgumentException when {@code s} is not such a string
     */
    public static Key parse(String s) {
      if (s == null || s.length() > MAX_STRING) {
        throw new IllegalArgumentException("not a set key");
      }
      String[] parts = s.split("_", 4);
      if (parts.length != 4) {
        throw new IllegalArgumentException("not a set key: " + s);
      }
      try {
        long seconds = parseLong(parts[0]);
        long nanos = parseLong(parts[1]);
        long seq = parseLong(parts[2]);
        if (nanos < 0
            || nanos > 999_999_999
            || seconds > MAX_EPOCH_SECOND
            || seconds < -MAX_EPOCH_SECOND) {
          throw new IllegalArgumentException("not a set key: " + s);
        }
        return new Key(Instant.ofEpochSecond(seconds, nanos), unescape(parts[3]), seq);
      } catch (NumberFormatException | DateTimeException e) {
        throw new IllegalArgumentException("not a set key: " + s, e);
      }
    }

    /** Strict decimal: no '+', no leading zeros beyond "0", at most one leading '-'. */
    private static long parseLong(String s) {
      if (s.isEmpty() || s.startsWith("+") || s.matches("-?0\\d+")) {
        throw new NumberFormatException(s);
      }
      return Long.parseLong(s);
    }

    private static String unescape(String s) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '~') {
          if (i + 2 >= s.length()) {
            throw new IllegalArgumentException("bad escape in set key");
          }
          int v = HexFormat.fromHexDigits(s, i + 1, i + 3);
          if (safe((char) v) || !isUpperHex(s.charAt(i + 1)) || !isUpperHex(s.charAt(i + 2))) {
            throw new IllegalArgumentException("non-canonical escape in set key");
          }
          out.write(v);
          i += 2;
        } else if (safe(c)) {
          out.write(c);
        } else {
          throw new IllegalArgumentException("bad character in set key");
        }
      }
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(out.toByteArray()))
            .toString();
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("set key jid is not UTF-8", e);
      }
    }

    private static boolean isUpperHex(char c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    private static boolean safe(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_';
    }
  }
}
