package dev.fabrik.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON key looked for in a stored payload's bytes, quotes included, without decoding the job. The
 * hooks of job options run on every FETCH and ACK, and almost no job uses a given option: with this
 * check only the jobs whose bytes hold, e.g., {@code "expires_at"} are decoded. A hit inside an
 * argument ({@code "args":[{"expires_at":1}]}) is a harmless false positive that costs one decode;
 * a payload without the bytes does not carry the key as clients write it.
 *
 * <p>Horspool's search: the window mostly moves by the key's length, so a 250-byte job costs about
 * 25 comparisons instead of one at every quote character, which JSON is full of.
 */
public final class PayloadKey {
  private final byte[] key;

  /** How far the window moves when its last byte is b: the distance from b's last place. */
  private final int[] shift = new int[256];

  private PayloadKey(byte[] key) {
    this.key = key;
    Arrays.fill(shift, key.length);
    for (int i = 0; i < key.length - 1; i++) {
      shift[key[i] & 0xff] = key.length - 1 - i;
    }
  }

  /** The key {@code "name"} (ASCII), quotes added. */
  public static PayloadKey of(String name) {
    return new PayloadKey(("\"" + name + "\"").getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether {@code payload} holds the quoted key anywhere. */
  public boolean foundIn(byte[] payload) {
    int last = key.length - 1;
    int i = 0;
    while (i + last < payload.length) {
      int j = last;
      while (j >= 0 && payload[i + j] == key[j]) {
        j--;
      }
      if (j < 0) {
        return true;
      }
      i += shift[payload[i + last] & 0xff];
    }
    return false;
  }
}
