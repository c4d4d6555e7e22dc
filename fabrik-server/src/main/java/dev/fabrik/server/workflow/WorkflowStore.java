package dev.fabrik.server.workflow;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What workflows keep in the store (reached as {@code Store.workflows()}): one row per job taking
 * part in a workflow ({@link WorkflowRow}) and one edge per dependency.
 *
 * <pre>
 * workflow_jobs(jid PK, queue, payload, at, waiting, state, cause, dead_at, until)
 * workflow_edges(dep, jid, resolved)  PK (dep, jid), index on jid
 * </pre>
 *
 * Every change runs through {@link #transaction}, atomically with the job writes it makes (a held
 * job's release is its row's update and its queue insert in one commit). Every implementation
 * passes {@code WorkflowStoreContract}.
 */
public interface WorkflowStore {

  /**
   * Runs {@code work} in one transaction and returns its result. A store shared by several nodes
   * runs it again from the start when the database aborted it to break a deadlock.
   */
  <T> T transaction(Function<WorkflowTx, T> work);

  Optional<WorkflowRow> row(String jid);

  /** The rows of those of {@code jids} that exist, by jid. */
  Map<String, WorkflowRow> rows(Collection<String> jids);

  /** The jids {@code jid} depends on, sorted. */
  List<String> dependencies(String jid);

  /** The jids that depend on {@code jid}, sorted. */
  List<String> dependents(String jid);

  /** Rows in {@code state}, by jid, the first {@code limit} after {@code afterJid} ("" first). */
  List<WorkflowRow> list(WorkflowState state, String afterJid, int limit);

  long count(WorkflowState state);

  /**
   * Up to {@code limit} {@link WorkflowState#ACTIVE} rows whose job is in no queue, reservation or
   * set of the store, and was not discarded: their ACK committed but the release of their
   * dependents did not (a crash between the two). The memory store, which a crash empties, returns
   * none.
   */
  List<String> activeButAbsent(int limit);

  /**
   * Up to {@code limit} {@link WorkflowState#ACTIVE} rows whose job died or was discarded (it is in
   * the dead set, or {@code Store.fates()} records its discard) while its dependents were not sent
   * to the dead set: a crash between the FAIL's commit and that move. {@link #activeButAbsent}
   * leaves discarded jobs to this method. The memory store, which a crash empties, returns none.
   */
  List<String> activeButDead(int limit);

  /** Deletes up to {@code limit} finished rows whose {@code until} passed, with their edges. */
  int purge(Instant now, int limit);
}
