package dev.fabrik.server.manager;

import dev.fabrik.protocol.JobCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How long a fetched job stays reserved: {@code reserve_for} seconds, 0 (absent) → 1800, below 60 →
 * 60 (even negative), above 86400 → 86400 (spec §6.3).
 */
final class ReserveTimeout {
  static final Duration MIN = Duration.ofSeconds(60);
  static final Duration DEFAULT = Duration.ofSeconds(1800);
  static final Duration MAX = Duration.ofSeconds(86_400);
  private static final byte[] KEY = "\"reserve_for\"".getBytes(StandardCharsets.US_ASCII);

  private ReserveTimeout() {}

  static Duration clamp(Integer reserveFor) {
    if (reserveFor == null || reserveFor == 0) {
      return DEFAULT;
    }
    if (reserveFor < MIN.toSeconds()) {
      return MIN;
    }
    return reserveFor > MAX.toSeconds() ? MAX : Duration.ofSeconds(reserveFor);
  }

  /**
   * Reads the timeout of a stored payload. Stored payloads are our own compact encoding, which
   * omits {@code reserve_for} when it is 0, so most fetches skip the JSON decode.
   */
  static Duration of(byte[] payload) {
    if (indexOf(payload, KEY) < 0) {
      return DEFAULT;
    }
    return clamp(JobCodec.decode(payload).reserveFor());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
