package dev.fabrik.server.workflow;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the web UI and the JSON API show of workflows: a job with its dependencies and dependents
 * and the state of each, and the held jobs with what each waits for.
 */
public final class WorkflowView {
  private final WorkflowStore store;

  public WorkflowView(WorkflowStore store) {
    this.store = store;
  }

  /** A job named in a workflow and its state ({@code unknown}: its row was purged). */
  public record Link(String jid, String state) {}

  /** One workflow job as shown. */
  public record Node(
      String jid,
      String jobtype,
      String queue,
      String state,
      int waiting,
      String cause,
      List<Link> dependencies,
      List<Link> dependents) {}

  /** The job {@code jid} with its neighbours, if it takes part in a workflow. */
  public Optional<Node> node(String jid) {
    return store.row(jid).map(this::node);
  }

  /** Held jobs by jid, the first {@code limit} after {@code afterJid} ("" for the first page). */
  public List<Node> held(String afterJid, int limit) {
    List<Node> out = new ArrayList<>();
    for (WorkflowRow r : store.list(WorkflowState.HELD, afterJid, limit)) {
      out.add(node(r));
    }
    return out;
  }

  public long heldCount() {
    return store.count(WorkflowState.HELD);
  }

  private Node node(WorkflowRow r) {
    List<String> deps = store.dependencies(r.jid());
    List<String> dependents = store.dependents(r.jid());
    Set<String> all = new HashSet<>(deps);
    all.addAll(dependents);
    Map<String, WorkflowRow> rows = store.rows(all);
    return new Node(
        r.jid(),
        jobtype(r.payload()),
        r.queue(),
        r.state().wire(),
        r.waiting(),
        r.cause(),
        links(deps, rows),
        links(dependents, rows));
  }

  private static List<Link> links(List<String> jids, Map<String, WorkflowRow> rows) {
    List<Link> out = new ArrayList<>(jids.size());
    for (String j : jids) {
      WorkflowRow r = rows.get(j);
      out.add(new Link(j, r == null ? "unknown" : r.state().wire()));
    }
    return out;
  }

  private static String jobtype(byte[] payload) {
    try {
      return JobCodec.decode(payload).jobtype();
    } catch (JobFormatException e) {
      return "";
    }
  }
}
