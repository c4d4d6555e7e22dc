package dev.fabrik.server.expiry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Whether a stored payload may carry an expiry, without parsing it: FETCH and ACK run this on every
 * job, and almost none expire. A job pushed with an expiry always has the key {@code "expires_at"}
 * (PUSH writes it, see {@link ExpiryTime}); a false positive (the text in args) only costs a
 * decode.
 *
 * <p>A Boyer-Moore-Horspool search: the key is 12 bytes long, so on a typical 250-byte payload it
 * looks at about 25 bytes instead of comparing at every quote character (JSON is full of them).
 */
final class ExpiryProbe {
  private static final byte[] KEY =
      ("\"" + ExpiryTime.EXPIRES_AT + "\"").getBytes(StandardCharsets.US_ASCII);

  /** How far the window may move when its last byte is b: the distance from b's last place. */
  private static final int[] SHIFT = new int[256];

  static {
    Arrays.fill(SHIFT, KEY.length);
    for (int i = 0; i < KEY.length - 1; i++) {
      SHIFT[KEY[i] & 0xff] = KEY.length - 1 - i;
    }
  }

  private ExpiryProbe() {}

  static boolean mayExpire(byte[] payload) {
    int last = KEY.length - 1;
    int i = 0;
    while (i + last < payload.length) {
      int j = last;
      while (j >= 0 && payload[i + j] == KEY[j]) {
        j--;
      }
      if (j < 0) {
        return true;
      }
      i += SHIFT[payload[i + last] & 0xff];
    }
    return false;
  }
}
