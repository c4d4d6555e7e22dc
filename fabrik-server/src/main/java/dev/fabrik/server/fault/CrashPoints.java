package dev.fabrik.server.fault;

import dev.fabrik.server.cluster.NodeRegistry;
import java.time.Duration;

/**
 * Test-only crash points: a server started with {@code -Dfabrik.fault.halt=<point>} halts at once
 * (as {@code kill -9} would: no shutdown hooks, nothing flushed beyond what was committed) the
 * first time it reaches that point, so a crash test hits an exact window rather than a lucky one
 * (BatchCallbackCrashIT, OutcomeCrashIT). Without the property, {@link #reached} compares two
 * strings.
 */
public final class CrashPoints {
  /** Just after a batch callback's state {@code "1"} and its job were committed. */
  public static final String CALLBACK_STORED = "batch-callback-stored";

  /** Just after a callback job's ACK was stored, before the batch heard of it. */
  public static final String CALLBACK_ACKED = "batch-callback-acked";

  /**
   * Just after a batch member's FAIL was stored (retry, dead or discard), before the batch heard.
   */
  public static final String MEMBER_FAILED = "batch-member-failed";

  /**
   * Just after a workflow job's death (dead set, or discarded) was stored, before its dependents
   * went to the dead set.
   */
  public static final String WORKFLOW_DEATH_STORED = "workflow-death-stored";

  /** The exit status of a halt at a crash point (128 + SIGKILL, as a killed process reports). */
  static final int HALT_STATUS = 137;

  private static final String HALT_AT = System.getProperty("fabrik.fault.halt", "");

  private CrashPoints() {}

  public static void reached(String point) {
    if (HALT_AT.equals(point)) {
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }

  /**
   * The period of the batch and workflow recovery passes: a minute, or {@code
   * -Dfabrik.fault.recoveryEvery} (an ISO-8601 duration) so a crash test need not wait for it.
   */
  public static Duration recoveryEvery() {
    return Duration.parse(System.getProperty("fabrik.fault.recoveryEvery", "PT1M"));
  }

  /**
   * The least age of a batch member the periodic pass judges on a store shared by several nodes: a
   * minute, or {@code -Dfabrik.fault.recoveryGrace} for a crash test.
   */
  public static Duration recoveryGrace() {
    return Duration.parse(System.getProperty("fabrik.fault.recoveryGrace", "PT1M"));
  }

  /**
   * How often a node refreshes its row and after how long silent it counts as gone: the registry's
   * defaults, or {@code -Dfabrik.fault.nodeRefresh} / {@code -Dfabrik.fault.nodeGoneAfter} so a
   * crash test sees a halted node gone (and the others recover for it) within seconds.
   */
  public static NodeRegistry.Settings nodeSettings() {
    NodeRegistry.Settings d = NodeRegistry.Settings.defaults();
    return new NodeRegistry.Settings(
        Duration.parse(System.getProperty("fabrik.fault.nodeRefresh", d.refresh().toString())),
        Duration.parse(System.getProperty("fabrik.fault.nodeGoneAfter", d.goneAfter().toString())),
        d.deleteAfter());
  }
}
