package dev.fabrik.server.workflow;

import dev.fabrik.protocol.Failure;
import dev.fabrik.protocol.Job;
import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.JobFormatException;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.storage.QueuedJob;
import dev.fabrik.server.storage.SetEntry;
import dev.fabrik.server.storage.SetName;
import dev.fabrik.server.triage.Fingerprint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rules of a workflow, each one transaction of the {@link WorkflowStore}: holding pushed jobs
 * until their dependencies succeed, releasing them when the last one does, sending them to the dead
 * set when one dies and bringing them back when it later succeeds. Exactness with several nodes
 * rests on the store: every decision about a job is taken with its row locked, and every edge is
 * resolved once.
 */
public final class WorkflowRules {
  /** The {@code errtype} of a job sent to the dead set because a dependency died. */
  public static final String DEPENDENCY_DIED = "DependencyDied";

  private final WorkflowStore store;
  private final Duration retention;
  private final String retentionText;

  /**
   * @param retention how long a succeeded job stays nameable in {@code after}
   */
  public WorkflowRules(WorkflowStore store, Duration retention) {
    this.store = store;
    this.retention = retention;
    this.retentionText = retention.toHours() + "h";
  }

  /** A validated job with dependencies, as PUSH would store it. */
  public record Submitted(QueuedJob job, Instant at, List<String> after) {}

  /** What a transaction changed, for the metrics. */
  public record Changes(int released, int blocked) {
    static final Changes NONE = new Changes(0, 0);
  }

  /**
   * Stores the jobs of one PUSH or PUSHB: each is enqueued (or scheduled) at once when every
   * dependency already succeeded, held otherwise, and sent to the dead set when one is dead. A job
   * naming a jid that takes part in no workflow, or one already taking part, is refused; so is a
   * job of a cycle within the batch, and any job depending on a refused one.
   *
   * @return jid → error text of the refused jobs
   */
  public Map<String, String> push(List<Submitted> jobs, Instant now, Instant deadUntil) {
    BatchOrder order = BatchOrder.of(jobs);
    Map<String, String> errors = new LinkedHashMap<>(order.errors());
    if (order.sorted().isEmpty()) {
      return errors;
    }
    Set<String> names = new HashSet<>();
    for (Submitted s : order.sorted()) {
      names.add(s.job().jid());
      names.addAll(s.after());
    }
    errors.putAll(
        store.transaction(
            tx -> {
              Map<String, String> refused = new LinkedHashMap<>();
              Map<String, WorkflowRow> rows = new HashMap<>(tx.lock(names));
              Pushes out = new Pushes();
              for (Submitted s : order.sorted()) {
                String error = place(s, rows, out, now, deadUntil);
                if (error != null) {
                  refused.put(s.job().jid(), error);
                }
              }
              // Every row, then every edge, in one call each (one statement each on PostgreSQL).
              tx.insertAll(out.inserted);
              tx.insertEdges(out.edges);
              tx.push(out.jobs, out.entries);
              return refused;
            }));
    return errors;
  }

  /** Decides one submitted job's place; returns why it is refused, or null. */
  private String place(
      Submitted s, Map<String, WorkflowRow> rows, Pushes out, Instant now, Instant deadUntil) {
    String jid = s.job().jid();
    if (rows.containsKey(jid)) {
      return "jid " + jid + " already takes part in a workflow";
    }
    int waiting = 0;
    String deadDependency = null;
    List<String> resolved = new ArrayList<>();
    for (String dep : s.after()) {
      WorkflowRow d = rows.get(dep);
      if (d == null) {
        return "unknown dependency "
            + dep
            + ": after may name only jobs pushed with custom.after (an empty list will do) that"
            + " are pending or succeeded within the last "
            + retentionText
            + " ([workflows] retention_hours); "
            + dep
            + " may have expired";
      }
      switch (d.state()) {
        case DONE -> resolved.add(dep);
        case DEAD, BLOCKED -> {
          waiting++;
          deadDependency = deadDependency == null ? dep : deadDependency;
        }
        default -> waiting++;
      }
    }
    WorkflowRow row =
        new WorkflowRow(
            jid,
            s.job().queue(),
            s.job().payload(),
            s.at(),
            waiting,
            WorkflowState.HELD,
            null,
            null,
            null);
    if (deadDependency != null) {
      row = row.blockedBy(deadDependency, deadUntil);
      out.entries.add(deadEntry(row, deadDependency, now));
    } else if (waiting == 0) {
      row = row.with(WorkflowState.ACTIVE);
      out.add(row, s.job().payload(), now);
    }
    out.inserted.add(row);
    rows.put(jid, row);
    if (!s.after().isEmpty()) {
      out.edges.add(new WorkflowTx.Edges(jid, s.after(), resolved));
    }
    return null;
  }

  /**
   * The ACK of {@code jid} (or its recovery after a crash): its row becomes DONE and each dependent
   * whose last dependency it was is released, in one transaction. A dependent it had blocked (it
   * was dead and was retried) leaves the dead set.
   */
  public Changes succeeded(String jid, Instant now) {
    return store.transaction(
        tx -> {
          WorkflowRow r = tx.lock(List.of(jid)).get(jid);
          if (r == null || r.state() == WorkflowState.DONE || r.state() == WorkflowState.HELD) {
            return Changes.NONE;
          }
          tx.update(r.finished(WorkflowState.DONE, now.plus(retention)));
          Pushes out = new Pushes();
          List<String> dependents = tx.resolveEdgesFrom(jid);
          Map<String, WorkflowRow> rows = tx.lock(dependents);
          if (rows.values().stream().anyMatch(d -> d.state() == WorkflowState.BLOCKED)) {
            resolveOneByOne(tx, jid, dependents, out, now);
          } else {
            resolveTogether(tx, dependents, rows, out, now);
          }
          tx.push(out.jobs, out.entries);
          return new Changes(out.released, 0);
        });
  }

  /**
   * The common case, none of the dependents blocked: each waits for one dependency less, those
   * waiting for none are released, all written by one {@link WorkflowTx#updateStates} (a fan-out of
   * 1,000 costs a handful of statements, not thousands). A released job that was HELD left no
   * dependent of its own blocked because of it, save ones an operator took out of the workflow's
   * care: {@link WorkflowTx#causingBlocks} finds those in one query and only they are revived.
   */
  private static void resolveTogether(
      WorkflowTx tx,
      List<String> dependents,
      Map<String, WorkflowRow> rows,
      Pushes out,
      Instant now) {
    List<WorkflowRow> changed = new ArrayList<>(dependents.size());
    List<String> released = new ArrayList<>();
    for (String d : dependents) {
      WorkflowRow dr = rows.get(d);
      if (dr == null) {
        continue;
      }
      dr = dr.waitingFor(dr.waiting() - 1);
      if (dr.state() == WorkflowState.HELD && dr.waiting() == 0) {
        dr = dr.unblocked(WorkflowState.ACTIVE);
        out.add(dr, restamped(dr.payload(), now, dr.at()), now);
        out.released++;
        released.add(d);
      }
      changed.add(dr);
    }
    tx.updateStates(changed);
    if (!released.isEmpty()) {
      for (String d : tx.causingBlocks(released)) {
        revive(tx, d);
      }
    }
  }

  /**
   * Some dependents are in the dead set because of {@code jid} (it died, was retried, and has now
   * succeeded): each is decided in turn, with its row locked afresh, since reviving one may change
   * the next.
   */
  private static void resolveOneByOne(
      WorkflowTx tx, String jid, List<String> dependents, Pushes out, Instant now) {
    for (String d : dependents) {
      WorkflowRow dr = tx.lock(List.of(d)).get(d);
      if (dr == null) {
        continue;
      }
      dr = dr.waitingFor(dr.waiting() - 1);
      boolean blockedByThis = dr.state() == WorkflowState.BLOCKED && jid.equals(dr.cause());
      String stillDead = blockedByThis ? deadDependency(tx, d) : null;
      if (stillDead != null) {
        // another dependency is dead too: it stays in the dead set, now because of that one
        tx.update(dr.blockedBy(stillDead, dr.deadAt()));
        continue;
      }
      if (blockedByThis && tx.deleteDead(dr.deadAt(), d)) {
        dr = dr.unblocked(WorkflowState.HELD);
        if (dr.waiting() > 0) {
          tx.update(dr);
          revive(tx, d);
          continue;
        }
      }
      if (dr.state() == WorkflowState.HELD && dr.waiting() == 0) {
        release(tx, dr, out, now);
      } else {
        tx.update(dr);
      }
    }
  }

  /**
   * {@code jid} went to the dead set: every job waiting for it, directly or through others, goes
   * there too, with a failure naming the dependency that died.
   */
  public Changes died(String jid, Instant now, Instant deadUntil) {
    return store.transaction(
        tx -> {
          WorkflowRow r = tx.lock(List.of(jid)).get(jid);
          if (r == null || r.state() != WorkflowState.ACTIVE) {
            return Changes.NONE;
          }
          tx.update(r.finished(WorkflowState.DEAD, deadUntil));
          Pushes out = new Pushes();
          block(tx, jid, out, now, deadUntil);
          tx.push(out.jobs, out.entries);
          return new Changes(0, out.entries.size());
        });
  }

  /**
   * Sends every HELD job waiting for {@code dep}, directly or through others, to the dead set,
   * level by level: one query for a level's dependents, one lock and one update of their rows. A
   * job reached through several paths names the first dependency (in jid order) of the level where
   * it was reached.
   */
  private static void block(WorkflowTx tx, String dep, Pushes out, Instant now, Instant until) {
    List<String> level = List.of(dep);
    while (!level.isEmpty()) {
      Map<String, List<String>> dependents = tx.dependentsOf(level);
      Set<String> all = new TreeSet<>();
      dependents.values().forEach(all::addAll);
      Map<String, WorkflowRow> rows = tx.lock(all);
      List<WorkflowRow> blocked = new ArrayList<>();
      for (String cause : level) {
        for (String d : dependents.getOrDefault(cause, List.of())) {
          WorkflowRow dr = rows.get(d);
          if (dr == null || dr.state() != WorkflowState.HELD) {
            continue;
          }
          dr = dr.blockedBy(cause, until);
          rows.put(d, dr);
          blocked.add(dr);
          out.entries.add(deadEntry(dr, cause, now));
        }
      }
      tx.updateStates(blocked);
      level = blocked.stream().map(WorkflowRow::jid).sorted().toList();
    }
  }

  /** Its dependents blocked by {@code jid} (which is no longer dead) wait again. */
  private static void revive(WorkflowTx tx, String jid) {
    for (String d : tx.dependentsOf(jid)) {
      WorkflowRow dr = tx.lock(List.of(d)).get(d);
      if (dr == null || dr.state() != WorkflowState.BLOCKED || !jid.equals(dr.cause())) {
        continue;
      }
      String stillDead = deadDependency(tx, d);
      if (stillDead != null) {
        tx.update(dr.blockedBy(stillDead, dr.deadAt()));
      } else if (tx.deleteDead(dr.deadAt(), d)) {
        tx.update(dr.unblocked(WorkflowState.HELD));
        revive(tx, d);
      }
    }
  }

  /** A dependency of {@code jid}, not yet succeeded, that is dead (or blocked); else null. */
  private static String deadDependency(WorkflowTx tx, String jid) {
    List<String> open = tx.unresolvedDependenciesOf(jid);
    if (open.isEmpty()) {
      return null;
    }
    for (WorkflowRow r : new TreeMap<>(tx.lock(open)).values()) {
      if (r.state() == WorkflowState.DEAD || r.state() == WorkflowState.BLOCKED) {
        return r.jid();
      }
    }
    return null;
  }

  private static void release(WorkflowTx tx, WorkflowRow row, Pushes out, Instant now) {
    WorkflowRow active = row.unblocked(WorkflowState.ACTIVE);
    tx.update(active);
    out.add(active, restamped(active.payload(), now, active.at()), now);
    out.released++;
    revive(tx, row.jid());
  }

  /** A released job's {@code enqueued_at} is its release time (it waited, it was not queued). */
  private static byte[] restamped(byte[] payload, Instant now, Instant at) {
    if (at != null && at.isAfter(now)) {
      return payload;
    }
    try {
      return JobCodec.encode(JobCodec.decode(payload).withEnqueuedAt(Timestamps.format(now)));
    } catch (JobFormatException e) {
      return payload;
    }
  }

  private static SetEntry deadEntry(WorkflowRow row, String dependency, Instant now) {
    byte[] payload = row.payload();
    try {
      Job job = JobCodec.decode(payload);
      Failure f =
          new Failure(
              0,
              0,
              Timestamps.format(now),
              null,
              "dependency " + dependency + " died",
              DEPENDENCY_DIED,
              List.of(),
              // one group for every job whose dependency died, whichever dependency it was
              Fingerprint.of(DEPENDENCY_DIED, "dependency died", List.of()).hash());
      payload = JobCodec.encode(job.withFailure(f));
    } catch (JobFormatException e) {
      // keep the payload as it is: an operator can still see and retry it
    }
    return new SetEntry(SetName.DEAD, row.deadAt(), row.jid(), row.queue(), payload);
  }

  /** The job and set writes a transaction collects, stored by one {@link WorkflowTx#push}. */
  private static final class Pushes {
    final List<QueuedJob> jobs = new ArrayList<>();
    final List<SetEntry> entries = new ArrayList<>();
    final List<WorkflowRow> inserted = new ArrayList<>();
    final List<WorkflowTx.Edges> edges = new ArrayList<>();
    int released;

    void add(WorkflowRow row, byte[] payload, Instant now) {
      if (row.at() != null && row.at().isAfter(now)) {
        entries.add(new SetEntry(SetName.SCHEDULED, row.at(), row.jid(), row.queue(), payload));
      } else {
        jobs.add(QueuedJob.fromPayload(row.jid(), row.queue(), payload));
      }
    }
  }
}
