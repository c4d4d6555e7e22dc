package dev.fabrik.server.expiry;

import java.nio.charset.StandardCharsets;

/**
 * Whether a stored payload may carry an expiry, without parsing it: FETCH runs this on every job,
 * and almost none expire. A job pushed with an expiry always has the key {@code "expires_at"} (PUSH
 * writes it, see {@link ExpiryTime}); a false positive (the text in args) only costs a decode.
 */
final class ExpiryProbe {
  private static final byte[] KEY =
      ("\"" + ExpiryTime.EXPIRES_AT + "\"").getBytes(StandardCharsets.US_ASCII);

  private ExpiryProbe() {}

  static boolean mayExpire(byte[] payload) {
    byte first = KEY[0];
    int last = payload.length - KEY.length;
    outer:
    for (int i = 0; i <= last; i++) {
      if (payload[i] != first) {
        continue;
      }
      for (int k = 1; k < KEY.length; k++) {
        if (payload[i + k] != KEY[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
