package dev.fabrik.server.storage.postgres;

import java.time.Instant;

/** Instants as the tables keep them: epoch microseconds in a {@code bigint}. */
final class PgTime {
  private PgTime() {}

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }
}
