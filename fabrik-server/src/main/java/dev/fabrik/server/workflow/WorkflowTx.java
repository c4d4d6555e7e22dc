package dev.fabrik.server.workflow;

import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

  /**
   * Writes the waiting count, state, cause, dead-set score and purge time of each of {@code rows}
   * (the only columns that change after insert). A store with round trips does it in one statement;
   * the default is one {@link #update} per row.
   */
  default void updateStates(Collection<WorkflowRow> rows) {
    rows.forEach(this::update);
  }

  /**
   * Inserts new rows (their jids have none), as {@link #insert} does each. A store with round trips
   * does it in one statement; the default is one {@link #insert} per row.
   */
  default void insertAll(List<WorkflowRow> rows) {
    rows.forEach(this::insert);
  }

  /** Records that {@code jid} depends on each of {@code deps}; {@code resolved} ones succeeded. */
  void insertEdges(String jid, List<String> deps, Collection<String> resolved);

  /** The dependencies of one new job: what {@link #insertEdges(String, List, Collection)} takes. */
  record Edges(String jid, List<String> deps, Collection<String> resolved) {}

  /**
   * The edges of many new jobs at once. A store with round trips does it in one statement; the
   * default is one {@link #insertEdges(String, List, Collection)} per job.
   */
  default void insertEdges(List<Edges> all) {
    for (Edges e : all) {
      insertEdges(e.jid(), e.deps(), e.resolved());
    }
  }

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

  /**
   * The dependents of each of {@code deps} (resolved edges included), by dependency, each list
   * sorted; a dependency without dependents is absent. The default asks {@link #dependentsOf} per
   * dependency; a store with round trips answers in one query.
   */
  default Map<String, List<String>> dependentsOf(Collection<String> deps) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String dep : deps) {
      List<String> ds = dependentsOf(dep);
      if (!ds.isEmpty()) {
        out.put(dep, ds);
      }
    }
    return out;
  }

  /**
   * Those of {@code deps} that have a dependent BLOCKED because of them ({@code cause} = the
   * dependency). Read without locking the dependents: only a transaction holding the dependency's
   * row lock makes a row BLOCKED with it as cause, and the caller holds those locks.
   */
  default Set<String> causingBlocks(Collection<String> deps) {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, List<String>> e : dependentsOf(deps).entrySet()) {
      for (WorkflowRow r : lock(e.getValue()).values()) {
        if (r.state() == WorkflowState.BLOCKED && e.getKey().equals(r.cause())) {
          out.add(e.getKey());
        }
      }
    }
    return out;
  }

  /** Stores jobs in their queues and entries in their sets, as the store's PUSHB does. */
  void push(List<QueuedJob> jobs, List<SetEntry> entries);

  /** Deletes the dead-set entry (score, jid); false when it is gone (retried or discarded). */
  boolean deleteDead(Instant score, String jid);
}
