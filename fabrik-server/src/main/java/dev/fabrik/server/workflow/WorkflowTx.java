package dev.fabrik.server.workflow;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The primitive steps of ONE workflow transaction, which {@link WorkflowRules} composes. Each store
 * runs them atomically with its own job writes: the memory store under its lock, SQLite in one
 * writer transaction, PostgreSQL in one READ COMMITTED transaction where {@link #lock} is {@code
 * SELECT ... FOR UPDATE} (so two nodes deciding about one job take turns on its row, and the one
 * that waited sees the other's committed change).
 */
public interface WorkflowTx {

  /** The rows of those of {@code jids} that exist, locked until the transaction ends. */
  Map<String, WorkflowRow> lock(Collection<String> jids);

  /** Inserts a new row (its jid has none). */
  void insert(WorkflowRow row);

  /** Replaces the row of {@code row.jid()}. */
  void update(WorkflowRow row);

  /** Records that {@code jid} depends on each of {@code deps}; {@code resolved} ones succeeded. */
  void insertEdges(String jid, List<String> deps, Collection<String> resolved);

  /**
   * Marks every unresolved edge from {@code dep} resolved and returns their dependents, sorted:
   * each edge is resolved by exactly one transaction ({@code UPDATE ... WHERE NOT resolved
   * RETURNING}).
   */
  List<String> resolveEdgesFrom(String dep);

  /** The dependencies of {@code jid} that have not succeeded yet (unresolved edges), sorted. */
  List<String> unresolvedDependenciesOf(String jid);

  /** The dependents of {@code dep}, resolved edges included, sorted. */
  List<String> dependentsOf(String dep);

  /** Stores jobs in their queues and entries in their sets, as the store's PUSHB does. */
  void push(List<QueuedJob> jobs, List<SetEntry> entries);

  /** Deletes the dead-set entry (score, jid); false when it is gone (retried or discarded). */
  boolean deleteDead(Instant score, String jid);
}
