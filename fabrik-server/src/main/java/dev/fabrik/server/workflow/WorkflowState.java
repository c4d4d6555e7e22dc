package dev.fabrik.server.workflow;

/**
 * Where a workflow job stands, as its row in the workflow store says. Stored as the lower-case name
 * ({@code held}, {@code active}...).
 */
public enum WorkflowState {
  /** Waiting for dependencies; stored only in the workflow store, in no queue. */
  HELD,
  /**
   * Released to its queue (or the scheduled set): queued, running, retrying, in no way finished.
   */
  ACTIVE,
  /** ACKed: succeeded. Kept until the retention time so later pushes may still name it. */
  DONE,
  /** It went to the dead set itself; its dependents are {@link #BLOCKED}. */
  DEAD,
  /** In the dead set because a dependency (its {@code cause}) died. */
  BLOCKED;

  /** The stored form. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static WorkflowState fromWire(String s) {
    return valueOf(s.toUpperCase(java.util.Locale.ROOT));
  }
}
