package dev.fabrik.client;

import dev.fabrik.protocol.Job;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Jobs that run in a given order: a DAG of sequential steps, fan-out and fan-in, pushed in one
 * PUSHB. Each job names the jobs it waits for in {@code custom.after}; a job without dependencies
 * gets an empty list, so the server records its success for the jobs that wait for it. The server
 * hands a job to a worker only once every job it waits for has succeeded (been ACKed).
 *
 * <pre>{@code
 * Workflow flow = Workflow.builder()
 *     .step(download)            // runs first
 *     .then(resize, thumbnail)   // fan-out: both after download
 *     .then(publish)             // fan-in: after resize and thumbnail
 *     .build();
 * flow.push(client);
 * }</pre>
 *
 * <p>The wire form of {@code publish} above: {@code "custom":{"after":["<resize jid>","<thumbnail
 * jid>"]}}. Jobs keep the jids they were built with, so a caller can follow them.
 */
public final class Workflow {
  private final List<Job> jobs;

  private Workflow(List<Job> jobs) {
    this.jobs = List.copyOf(jobs);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The jobs in push order (each after its dependencies), with {@code custom.after} set. */
  public List<Job> jobs() {
    return jobs;
  }

  /**
   * Pushes every job in one PUSHB.
   *
   * @throws WorkflowRefusedException the server refused some jobs (the others were stored)
   */
  public void push(Client client) {
    Map<String, String> refused = client.pushBulk(jobs);
    if (!refused.isEmpty()) {
      throw new WorkflowRefusedException(refused);
    }
  }

  /** Builds a workflow stage by stage, with explicit edges where stages do not fit. */
  public static final class Builder {
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Set<String>> after = new LinkedHashMap<>();
    private List<Job> stage = List.of();

    private Builder() {}

    /** Adds jobs that wait for nothing; they become the current stage. */
    public Builder step(Job... roots) {
      for (Job j : roots) {
        add(j);
      }
      stage = List.of(roots);
      return this;
    }

    /**
     * Adds jobs that each wait for every job of the current stage (fan-out when several follow one,
     * fan-in when one follows several); they become the current stage.
     */
    public Builder then(Job... next) {
      if (stage.isEmpty()) {
        throw new IllegalStateException("then() needs a step() before it");
      }
      for (Job j : next) {
        add(j, stage.toArray(Job[]::new));
      }
      stage = List.of(next);
      return this;
    }

    /** Adds {@code job} waiting for {@code dependencies} (already added); the stage is kept. */
    public Builder add(Job job, Job... dependencies) {
      Objects.requireNonNull(job.jid(), "a workflow job needs a jid");
      if (jobs.containsKey(job.jid())) {
        throw new IllegalArgumentException("job " + job.jid() + " is already in the workflow");
      }
      Set<String> deps = new LinkedHashSet<>();
      for (Job d : dependencies) {
        if (!jobs.containsKey(d.jid())) {
          throw new IllegalArgumentException(
              "dependency " + d.jid() + " must be added before the jobs that wait for it");
        }
        deps.add(d.jid());
      }
      jobs.put(job.jid(), job);
      after.put(job.jid(), deps);
      return this;
    }

    public Workflow build() {
      List<Job> out = new ArrayList<>(jobs.size());
      for (Job j : jobs.values()) {
        out.add(withAfter(j, after.getOrDefault(j.jid(), Collections.emptySet())));
      }
      return new Workflow(out);
    }

    private static Job withAfter(Job j, Set<String> deps) {
      ObjectNode custom =
          j.custom() == null ? JsonNodeFactory.instance.objectNode() : j.custom().deepCopy();
      ArrayNode list = custom.putArray("after");
      deps.forEach(list::add);
      return new Job(
          j.jid(),
          j.jobtype(),
          j.args(),
          j.queue(),
          j.retry(),
          j.reserveFor(),
          j.at(),
          j.createdAt(),
          j.enqueuedAt(),
          j.backtrace(),
          custom,
          j.failure(),
          j.extra());
    }
  }
}
