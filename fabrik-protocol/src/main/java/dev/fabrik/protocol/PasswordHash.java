package dev.fabrik.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Faktory's password proof: {@code SHA256(password ++ salt)}, then SHA-256 over the raw 32-byte
 * digest {@code iterations - 1} more times, sent as lowercase hex in HELLO's {@code pwdhash}.
 *
 * <p>Clients that send no {@code "v"} in HELLO (the Python client) hash exactly once whatever the
 * greeting advertised; the server must check them with one iteration.
 */
public final class PasswordHash {
  private PasswordHash() {}

  public static String compute(String password, String salt, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1: " + iterations);
    }
    MessageDigest sha = sha256();
    byte[] digest = sha.digest((password + salt).getBytes(StandardCharsets.UTF_8));
    for (int i = 1; i < iterations; i++) {
      digest = sha.digest(digest);
    }
    return HexFormat.of().formatHex(digest);
  }

  /**
   * Whether {@code hex} could be a proof at all: 64 lowercase hex digits, the only form {@link
   * #compute} produces. A server checks this first and skips the thousands of hashes for anything
   * else.
   */
  public static boolean isWellFormed(String hex) {
    if (hex == null || hex.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = hex.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** Constant-time comparison of a client's hex proof with the expected one. */
  public static boolean matches(String expectedHex, String givenHex) {
    if (givenHex == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expectedHex.getBytes(StandardCharsets.US_ASCII),
        givenHex.getBytes(StandardCharsets.US_ASCII));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK ships SHA-256", e);
    }
  }
}
