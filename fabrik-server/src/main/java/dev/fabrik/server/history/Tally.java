package dev.fabrik.server.history;

import java.util.Arrays;

/**
 * The counts of one job type in one bucket (or summed over many): processed, failed, retried, died,
 * snoozed, expired, and the run times (how many runs were timed, their sum in microseconds and the
 * {@link RunTimes} histogram). Every field only ever adds, which is what lets several nodes flush
 * into the same stored row: {@code n = n + excluded.n}.
 *
 * <p>Stored sparse: one row per non-zero field, keyed by its {@link #FIELDS index}.
 */
public final class Tally {
  public static final int PROCESSED = 0;
  public static final int FAILED = 1;
  public static final int RETRIED = 2;
  public static final int DIED = 3;
  public static final int SNOOZED = 4;
  public static final int EXPIRED = 5;

  /** Runs that were timed (ACK and FAIL; an expired reservation is not a run time). */
  public static final int RUNS = 6;

  public static final int RUN_MICROS = 7;

  /** The first histogram field; bucket {@code i} is field {@code HISTOGRAM + i}. */
  public static final int HISTOGRAM = 8;

  /** How many fields a tally has. */
  public static final int FIELDS = HISTOGRAM + RunTimes.BUCKETS;

  private final long[] counts = new long[FIELDS];

  /** Adds {@code n} to field {@code field}. */
  public Tally add(int field, long n) {
    counts[field] += n;
    return this;
  }

  /** Adds every field of {@code other}. */
  public Tally add(Tally other) {
    for (int i = 0; i < FIELDS; i++) {
      counts[i] += other.counts[i];
    }
    return this;
  }

  /** Counts one timed run. */
  public Tally run(long micros) {
    counts[RUNS]++;
    counts[RUN_MICROS] += Math.max(0, micros);
    counts[HISTOGRAM + RunTimes.bucket(micros)]++;
    return this;
  }

  public long get(int field) {
    return counts[field];
  }

  public long processed() {
    return counts[PROCESSED];
  }

  public long failed() {
    return counts[FAILED];
  }

  public long retried() {
    return counts[RETRIED];
  }

  public long died() {
    return counts[DIED];
  }

  public long snoozed() {
    return counts[SNOOZED];
  }

  public long expired() {
    return counts[EXPIRED];
  }

  /** The mean run time in ms, or NaN without timed runs. */
  public double meanMs() {
    return counts[RUNS] == 0 ? Double.NaN : counts[RUN_MICROS] / 1000.0 / counts[RUNS];
  }

  /** The 95th percentile run time in ms (from the histogram), or NaN without timed runs. */
  public double p95Ms() {
    return RunTimes.quantileMs(histogram(), 0.95);
  }

  /** A copy of the run-time histogram. */
  public long[] histogram() {
    return Arrays.copyOfRange(counts, HISTOGRAM, FIELDS);
  }

  /** How many fields are not zero (the rows a store keeps for this tally). */
  public int nonZeroFields() {
    int n = 0;
    for (long c : counts) {
      if (c != 0) {
        n++;
      }
    }
    return n;
  }

  public boolean isEmpty() {
    for (long c : counts) {
      if (c != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tally t && Arrays.equals(counts, t.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Tally{");
    for (int i = 0; i < FIELDS; i++) {
      if (counts[i] != 0) {
        s.append(i).append('=').append(counts[i]).append(' ');
      }
    }
    return s.append('}').toString();
  }
}
