package dev.fabrik.server.manager;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.server.OptionKeys;
import java.time.Duration;

/**
 * How long a fetched job stays reserved: {@code reserve_for} seconds, 0 (absent) → 1800, below 60 →
 * 60 (even negative), above 86400 → 86400 (spec §6.3).
 */
final class ReserveTimeout {
  static final Duration MIN = Duration.ofSeconds(60);
  static final Duration DEFAULT = Duration.ofSeconds(1800);
  static final Duration MAX = Duration.ofSeconds(86_400);

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
    if (!OptionKeys.of(payload).has(OptionKeys.Key.RESERVE_FOR)) {
      return DEFAULT;
    }
    return clamp(JobCodec.decode(payload).reserveFor());
  }
}
