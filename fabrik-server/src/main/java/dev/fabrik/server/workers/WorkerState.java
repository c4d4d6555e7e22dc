package dev.fabrik.server.workers;

/** running → quiet → terminate; a worker never moves backwards. */
public enum WorkerState {
  RUNNING,
  QUIET,
  TERMINATE;

  /** The later of the two states. */
  public WorkerState advanceTo(WorkerState next) {
    return next.ordinal() > ordinal() ? next : this;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
