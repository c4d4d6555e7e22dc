package dev.fabrik.server.fate;

import dev.fabrik.server.PayloadKey;
import dev.fabrik.server.workflow.WorkflowOption;

/**
 * Whether a failed job's fate is worth a row ({@link JobFates}): its bytes hold {@code "bid"} (a
 * batch member) or {@code "after"} (a workflow job). A byte scan, asked only when a FAIL discards
 * the job, so a plain job pays nothing on its ACK or retrying FAIL. A false positive (the key in an
 * argument) costs one small row.
 */
public final class FateMarks {
  private static final PayloadKey BATCH_MEMBER = PayloadKey.of("bid");

  private FateMarks() {}

  public static boolean wanted(byte[] payload) {
    return BATCH_MEMBER.foundIn(payload) || WorkflowOption.mayBeIn(payload);
  }
}
