package dev.fabrik.server.workflow;

import dev.fabrik.protocol.Job;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.OptionKeys;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A job's dependencies, {@code custom.after}: the jids that must succeed (be ACKed) before it may
 * be fetched. An empty list makes a job a workflow's root: it runs at once, and its success is
 * recorded so jobs pushed later may name it.
 *
 * <pre>
 * "custom":{"after":["a1b2c3","d4e5f6"]}
 * </pre>
 */
public record WorkflowOption(List<String> after) {
  /** The most dependencies one job may name. */
  public static final int MAX_DEPENDENCIES = 1000;

  /**
   * The option of a job, or null when it has no {@code custom.after}.
   *
   * @throws CommandException {@code ERR} when {@code after} is not an array of non-empty strings,
   *     names the job itself, or the job is also unique ({@code unique_for}: a refused duplicate
   *     would leave its dependents' edges behind)
   */
  public static WorkflowOption of(Job job) {
    if (job.custom() == null || !job.custom().has("after")) {
      return null;
    }
    JsonNode after = job.custom().get("after");
    if (!after.isArray()) {
      throw CommandException.err("custom.after must be an array of jids");
    }
    if (after.size() > MAX_DEPENDENCIES) {
      throw CommandException.err(
          "custom.after names " + after.size() + " jobs, at most " + MAX_DEPENDENCIES);
    }
    Set<String> jids = new LinkedHashSet<>();
    for (JsonNode n : after) {
      if (!n.isString() || n.asString().isEmpty()) {
        throw CommandException.err("custom.after must be an array of jids (non-empty strings)");
      }
      jids.add(n.asString());
    }
    if (jids.contains(job.jid())) {
      throw CommandException.err("job " + job.jid() + " may not name itself in custom.after");
    }
    if (job.custom().has("unique_for")) {
      throw CommandException.err("custom.after and custom.unique_for may not be combined");
    }
    return new WorkflowOption(List.copyOf(new ArrayList<>(jids)));
  }

  /** Whether a stored payload with these option keys may carry the option (false is certain). */
  public static boolean mayBeIn(OptionKeys keys) {
    return keys.has(OptionKeys.Key.AFTER);
  }
}
