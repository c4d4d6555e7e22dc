package dev.fabrik.client;

import dev.fabrik.protocol.JobCodec;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * A MUTATE operation on one of the server's job sets.
 *
 * <pre>
 * MUTATE {"cmd":"kill","target":"retries","filter":{"jobtype":"SendEmail"}}
 * MUTATE {"cmd":"clear","target":"dead"}
 * </pre>
 *
 * @param op what to do with matching entries
 * @param target which set
 * @param filter which entries; null means all (and is the only choice for {@link Op#CLEAR})
 */
public record MutateCommand(Op op, Target target, Filter filter) {

  public MutateCommand {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(target, "target");
  }

  /** Mutation verbs. */
  public enum Op {
    /** Move matching entries to the dead set. */
    KILL,
    /** Push matching entries back onto their queues. */
    REQUEUE,
    /** Delete matching entries. */
    DISCARD,
    /** Empty the whole set (filter ignored). */
    CLEAR
  }

  /** The sets MUTATE acts on. */
  public enum Target {
    RETRIES,
    SCHEDULED,
    DEAD
  }

  /**
   * Which entries match. Non-empty {@code jids} override the other fields; {@code regexp} is a
   * Redis glob (e.g. {@code *customer:42*}) over the job's JSON; {@code jobtype} is an exact match.
   */
  public record Filter(List<String> jids, String regexp, String jobtype) {
    public Filter {
      jids = jids == null ? List.of() : List.copyOf(jids);
    }

    public static Filter all() {
      return new Filter(List.of(), null, null);
    }

    public static Filter jids(String... jids) {
      return new Filter(List.of(jids), null, null);
    }

    public static Filter jobtype(String jobtype) {
      return new Filter(List.of(), null, jobtype);
    }

    public static Filter glob(String pattern) {
      return new Filter(List.of(), pattern, null);
    }
  }

  public static MutateCommand kill(Target target, Filter filter) {
    return new MutateCommand(Op.KILL, target, filter);
  }

  public static MutateCommand requeue(Target target, Filter filter) {
    return new MutateCommand(Op.REQUEUE, target, filter);
  }

  public static MutateCommand discard(Target target, Filter filter) {
    return new MutateCommand(Op.DISCARD, target, filter);
  }

  public static MutateCommand clear(Target target) {
    return new MutateCommand(Op.CLEAR, target, null);
  }

  /** The compact JSON argument, e.g. {@code {"cmd":"kill","target":"dead","filter":{...}}}. */
  public String toJson() {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("cmd", op.name().toLowerCase(Locale.ROOT));
    o.put("target", target.name().toLowerCase(Locale.ROOT));
    if (filter != null) {
      ObjectNode f = o.putObject("filter");
      if (!filter.jids().isEmpty()) {
        filter.jids().forEach(f.putArray("jids")::add);
      }
      if (filter.regexp() != null) {
        f.put("regexp", filter.regexp());
      }
      if (filter.jobtype() != null) {
        f.put("jobtype", filter.jobtype());
      }
    }
    return JobCodec.MAPPER.writeValueAsString(o);
  }
}
