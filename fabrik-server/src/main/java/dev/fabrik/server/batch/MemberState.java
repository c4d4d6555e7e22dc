package dev.fabrik.server.batch;

/**
 * Where one member job of a batch stands. Moves only forward: {@code pending → failed}, {@code
 * pending → succeeded}, {@code failed → succeeded} (a retry that worked). Each move is a
 * compare-and-set on the member's row, so an ACK seen twice (two nodes, a replay after a crash)
 * counts once.
 */
public enum MemberState {
  /** Has not run to an ACK or a FAIL yet (a snoozed job stays here). */
  PENDING("pending"),
  /** Its last run failed (it waits for a retry or is dead). */
  FAILED("failed"),
  /** It was ACKed. */
  SUCCEEDED("succeeded");

  private final String column;

  MemberState(String column) {
    this.column = column;
  }

  /** The value stored in the {@code state} column. */
  public String column() {
    return column;
  }

  public static MemberState fromColumn(String s) {
    for (MemberState m : values()) {
      if (m.column.equals(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown member state " + s);
  }
}
