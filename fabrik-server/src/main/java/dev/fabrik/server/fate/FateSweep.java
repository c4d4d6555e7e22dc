package dev.fabrik.server.fate;

import java.time.Clock;
import java.time.Duration;

/**
 * Purges fate rows older than {@link #RETENTION}. Recovery consumes a row within its grace (a
 * minute or so, on every node, periodically); the day is for a store whose every node stayed down:
 * the first start still finds the row, because recovery runs before the first purge.
 */
public final class FateSweep {
  /** How long a fate row is kept. */
  public static final Duration RETENTION = Duration.ofHours(24);

  private static final int CHUNK = 1000;

  private final JobFates fates;
  private final Clock clock;

  public FateSweep(JobFates fates, Clock clock) {
    this.fates = fates;
    this.clock = clock;
  }

  /** Deletes every expired row, in chunks; returns how many. */
  public int purge() {
    int total = 0;
    int n;
    do {
      n = fates.purge(clock.instant().minus(RETENTION), CHUNK);
      total += n;
    } while (n >= CHUNK);
    return total;
  }
}
