package dev.fabrik.server.batch;

import java.security.SecureRandom;

/**
 * New batch ids: {@code b-} and 14 random URL-safe characters (84 bits), as Enterprise's bids look
 * ({@code b-xxxxxxxxx}); guessing another application's batch is not practical.
 */
final class BatchIds {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private BatchIds() {}

  static String next() {
    return "b-" + random(14);
  }

  /** A random jid for a callback job given without one. */
  static String jid() {
    return random(22);
  }

  private static String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
