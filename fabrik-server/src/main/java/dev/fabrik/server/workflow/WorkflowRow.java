package dev.fabrik.server.workflow;

import java.time.Instant;

/**
 * One job taking part in a workflow, as the workflow store keeps it.
 *
 * @param payload the job as it will be enqueued when released (without any dead-set failure)
 * @param at the job's own run time when it is scheduled ({@code at}), else null
 * @param waiting how many of its dependencies have not succeeded yet
 * @param cause the dependency whose death made it {@link WorkflowState#BLOCKED}, else null
 * @param deadAt the score of its dead-set entry while BLOCKED, else null
 * @param until when a finished row (DONE, DEAD, BLOCKED) may be purged; null while it lives
 */
public record WorkflowRow(
    String jid,
    String queue,
    byte[] payload,
    Instant at,
    int waiting,
    WorkflowState state,
    String cause,
    Instant deadAt,
    Instant until) {

  WorkflowRow with(WorkflowState s) {
    return new WorkflowRow(jid, queue, payload, at, waiting, s, cause, deadAt, until);
  }

  WorkflowRow waitingFor(int n) {
    return new WorkflowRow(jid, queue, payload, at, n, state, cause, deadAt, until);
  }

  WorkflowRow blockedBy(String dependency, Instant deadScore) {
    return new WorkflowRow(
        jid, queue, payload, at, waiting, WorkflowState.BLOCKED, dependency, deadScore, deadScore);
  }

  WorkflowRow unblocked(WorkflowState s) {
    return new WorkflowRow(jid, queue, payload, at, waiting, s, null, null, null);
  }

  WorkflowRow finished(WorkflowState s, Instant keepUntil) {
    return new WorkflowRow(jid, queue, payload, at, waiting, s, cause, deadAt, keepUntil);
  }
}
