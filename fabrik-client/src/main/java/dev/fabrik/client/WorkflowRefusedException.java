package dev.fabrik.client;

import java.util.Map;

/**
 * The server refused some jobs of a {@link Workflow} (an unknown dependency, a cycle...); the
 * others were stored. Jobs that depend on a refused one are refused too.
 */
public final class WorkflowRefusedException extends FabrikException {
  private final Map<String, String> refused;

  WorkflowRefusedException(Map<String, String> refused) {
    super("the server refused " + refused.size() + " workflow jobs: " + refused);
    this.refused = Map.copyOf(refused);
  }

  /** jid → the server's reason. */
  public Map<String, String> refused() {
    return refused;
  }
}
