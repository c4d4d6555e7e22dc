package dev.fabrik.server.net;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The server's first line. Without a password {@code +HI {"v":2}}; with one, a fresh iteration
 * count in [4000, 8095] and a salt (lowercase hex of a random 63-bit number) per connection: {@code
 * +HI {"v":2,"i":5120,"s":"2a5c0e1f9d3b7a61"}}. No spaces: Node splits the line on the first space
 * and parses the rest.
 *
 * @param iterations 0 when no password is set
 * @param salt null when no password is set
 */
record Greeting(int iterations, String salt) {
  private static final SecureRandom RANDOM = new SecureRandom();

  static Greeting create(boolean passwordSet) {
    if (!passwordSet) {
      return new Greeting(0, null);
    }
    return new Greeting(
        4000 + RANDOM.nextInt(4096), Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
  }

  byte[] encode() {
    String json =
        salt == null ? "{\"v\":2}" : "{\"v\":2,\"i\":" + iterations + ",\"s\":\"" + salt + "\"}";
    return ("+HI " + json + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
