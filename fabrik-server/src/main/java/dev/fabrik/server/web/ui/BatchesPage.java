package dev.fabrik.server.web.ui;

import dev.fabrik.server.batch.BatchRecord;
import java.util.List;

/** The newest batches with their progress. */
public record BatchesPage(Chrome chrome, List<BatchRecord> batches) {

  /** Members that ran (ACK or FAIL) out of the total, for the progress bar. */
  public static long done(BatchRecord b) {
    return b.total() - b.pending();
  }

  /** open / committed / completed. */
  public static String state(BatchRecord b) {
    return dev.fabrik.server.web.api.BatchesApi.state(b);
  }

  /** A callback state in words: not yet, pushed, done. */
  public static String callback(String wire, String job) {
    if (job == null && !wire.equals(BatchRecord.DONE)) {
      return "none";
    }
    return switch (wire) {
      case BatchRecord.ENQUEUED -> "pushed";
      case BatchRecord.DONE -> job == null ? "none (reached)" : "done";
      default -> "waiting";
    };
  }
}
