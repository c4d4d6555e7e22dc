package dev.fabrik.server.storage;

/**
 * Told of every transaction a store committed, so the server can chart commit latency and group
 * commit batch sizes without the storage layer knowing about metrics. Called on the store's writer
 * thread right after the commit: it must be quick and must not block or call the store.
 */
@FunctionalInterface
public interface CommitObserver {

  /** Observes nothing. */
  CommitObserver NONE = (operations, nanos) -> {};

  /**
   * @param operations store operations the transaction carried (a group commit carries many)
   * @param nanos time from the transaction's start to its commit returning (includes the fsync)
   */
  void committed(int operations, long nanos);
}
