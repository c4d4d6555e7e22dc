package dev.fabrik.server.fate;

import dev.fabrik.server.OptionKeys;

/**
 * Whether a failed job's fate is worth a row ({@link JobFates}): its bytes hold {@code "bid"} (a
 * batch member) or {@code "after"} (a workflow job). Read from its option keys, asked only when a
 * FAIL discards the job, so a plain job pays nothing on its ACK or retrying FAIL. A false positive
 * (the key in an argument) costs one small row.
 */
public final class FateMarks {
  private FateMarks() {}

  public static boolean wanted(OptionKeys keys) {
    return keys.has(OptionKeys.Key.BID) || keys.has(OptionKeys.Key.AFTER);
  }
}
