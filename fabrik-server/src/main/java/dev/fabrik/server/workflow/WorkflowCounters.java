package dev.fabrik.server.workflow;

/** Where workflows count what they did (the server's metrics; tests pass {@link #NONE}). */
public interface WorkflowCounters {
  WorkflowCounters NONE = new WorkflowCounters() {};

  /** Held jobs released to their queue because their last dependency succeeded. */
  default void released(int n) {}

  /** Held jobs sent to the dead set because a dependency died. */
  default void blocked(int n) {}
}
