package dev.fabrik.server.storage;

/** How much a store promises once a write call returns. */
public enum Durability {
  /**
   * Survives the process being killed ({@code kill -9}); a power loss may lose the last commits.
   */
  PROCESS_CRASH,
  /** Also survives power loss: the log is fsynced before the call returns. */
  POWER_LOSS
}
