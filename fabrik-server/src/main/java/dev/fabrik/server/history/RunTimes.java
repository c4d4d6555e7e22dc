package dev.fabrik.server.history;

/**
 * The run-time histogram: fixed log-scale buckets, so histograms of any buckets and nodes add up by
 * adding counts, and a p95 comes out of the sum. Bucket 0 holds runs under 1 ms, bucket {@code i}
 * (1..22) runs of [2^(i-1), 2^i) ms, the last one everything from 2^22 ms (about 70 minutes).
 * Within a bucket the percentile is interpolated on the log scale, so it is off by less than the
 * bucket's factor of two and usually far less.
 */
public final class RunTimes {
  /** How many buckets. */
  public static final int BUCKETS = 24;

  private RunTimes() {}

  /** The bucket of a run of {@code micros}. */
  public static int bucket(long micros) {
    long ms = micros / 1000;
    if (ms < 1) {
      return 0;
    }
    int i = 64 - Long.numberOfLeadingZeros(ms); // 1 ms -> 1, 2..3 ms -> 2, 4..7 ms -> 3
    return Math.min(i, BUCKETS - 1);
  }

  /** The lower bound of bucket {@code i} in ms (0 for the first). */
  static double lowerMs(int i) {
    return i == 0 ? 0 : Math.pow(2, i - 1);
  }

  /** The upper bound of bucket {@code i} in ms (the last bucket: twice its lower bound). */
  static double upperMs(int i) {
    return Math.pow(2, i);
  }

  /**
   * The {@code q} quantile (0..1) in ms of the runs counted in {@code counts} (one per bucket), or
   * NaN when there are none.
   */
  public static double quantileMs(long[] counts, double q) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      long c = counts[i];
      if (c > 0 && seen + c >= rank) {
        double within = (rank - seen) / c; // 0..1 through this bucket
        if (i == 0) {
          return within; // 0..1 ms: linear
        }
        return lowerMs(i) * Math.pow(upperMs(i) / lowerMs(i), within);
      }
      seen += c;
    }
    return upperMs(counts.length - 1);
  }
}
