package dev.fabrik.server.history;

import java.util.List;

/**
 * A history graph: {@code points} of {@code stepSeconds} each, oldest first, the last one holding
 * now; {@code jobtype} null for every type.
 */
public record HistorySeries(
    HistoryRange range, String jobtype, long stepSeconds, List<HistoryPoint> points) {

  /** The largest processed or failed count of a point (0 when there is nothing). */
  public long peak() {
    long peak = 0;
    for (HistoryPoint p : points) {
      peak = Math.max(peak, Math.max(p.processed(), p.failed()));
    }
    return peak;
  }

  public long totalProcessed() {
    return points.stream().mapToLong(HistoryPoint::processed).sum();
  }

  public long totalFailed() {
    return points.stream().mapToLong(HistoryPoint::failed).sum();
  }
}
