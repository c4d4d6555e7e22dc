package dev.fabrik.server.triage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What failures of the same cause have in common, reduced to a short hash: the error type, the
 * message with its variable parts masked ({@link MessageMask}) and the top {@link #FRAMES} frames
 * of the backtrace without line numbers ({@link BacktraceFrames}). Two jobs that failed on the same
 * line with different ids, amounts or file names get the same fingerprint; a different error type,
 * message shape or failing code gets another.
 *
 * <p>The hash is the first 8 bytes of SHA-256 over {@code errtype \n masked message \n frame \n
 * frame...}, as 16 lower-case hex digits ({@code "3f9a0c2e71b4d856"}): stable across server
 * versions as long as the masking rules are, and collisions among a few thousand groups are
 * improbable (2^-64 per pair).
 *
 * @param hash the 16 hex digits stored as {@code failure.fingerprint}
 * @param errtype the error type as reported
 * @param maskedMessage the message with numbers, ids, quoted values, emails and URLs masked
 * @param frames the frames that went into the hash
 */
public record Fingerprint(String hash, String errtype, String maskedMessage, List<String> frames) {

  /**
   * How many backtrace frames count: enough to tell call sites apart, few enough to survive a
   * refactoring of the framework code below them.
   */
  public static final int FRAMES = 3;

  /** Length of {@link #hash()}. */
  public static final int HASH_LENGTH = 16;

  public Fingerprint {
    frames = List.copyOf(frames);
  }

  /** The fingerprint of a FAIL (null parts count as empty). */
  public static Fingerprint of(String errtype, String message, List<String> backtrace) {
    String type = errtype == null ? "" : errtype.strip();
    String masked = MessageMask.mask(message == null ? "" : message);
    List<String> frames =
        BacktraceFrames.top(backtrace == null ? List.of() : backtrace, message, FRAMES);
    StringBuilder text = new StringBuilder(type).append('\n').append(masked);
    for (String f : frames) {
      text.append('\n').append(f);
    }
    return new Fingerprint(sha256Prefix(text.toString()), type, masked, frames);
  }

  /** True when {@code s} has the form of a {@link #hash()} (a safe filter value). */
  public static boolean isHash(String s) {
    if (s == null || s.length() != HASH_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static String sha256Prefix(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, HASH_LENGTH / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
