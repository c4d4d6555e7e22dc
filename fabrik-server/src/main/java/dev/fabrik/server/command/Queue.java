package dev.fabrik.server.command;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.Manager;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * Queue control; the subcommand is case-insensitive, the verb is not.
 *
 * <pre>
 * QUEUE PAUSE default bulk   → +OK   ({@code *} first = every known queue; unknown names: no-op)
 * QUEUE RESUME *             → +OK
 * QUEUE REMOVE frobnoz       → +OK
 * QUEUE LATENCY default foo  → $29\r\n{"default":0.012345,"foo":0}  (seconds since the head job's enqueue)
 * QUEUE LATENCY *            → -ERR QUEUE LATENCY does not support wildcards
 * QUEUE UNPAUSE x            → -ERR no such QUEUE subcommand: UNPAUSE
 * </pre>
 */
final class Queue implements CommandHandler {
  private final Manager manager;

  Queue(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) {
    List<String> words = Arguments.words(Arguments.required(argument));
    if (words.isEmpty()) {
      throw Arguments.internalError();
    }
    String sub = words.getFirst().toUpperCase(Locale.ROOT);
    List<String> names = words.subList(1, words.size());
    switch (sub) {
      case "PAUSE" -> manager.queues().pause(requireNames(names));
      case "RESUME" -> manager.queues().resume(requireNames(names));
      case "REMOVE" -> manager.queues().remove(requireNames(names));
      case "LATENCY" -> {
        return latency(names);
      }
      default ->
          throw CommandException.err("no such QUEUE subcommand: " + CommandException.excerpt(sub));
    }
    return Reply.OK;
  }

  /** Faktory indexes the first name unchecked; a missing one is its {@code internal error}. */
  private static List<String> requireNames(List<String> names) {
    if (names.isEmpty()) {
      throw Arguments.internalError();
    }
    return names;
  }

  private Reply latency(List<String> names) {
    if (names.contains("*")) {
      throw CommandException.err("QUEUE LATENCY does not support wildcards");
    }
    Map<String, Double> seconds = manager.queues().latency(names);
    ObjectNode out = JobCodec.MAPPER.createObjectNode();
    for (String name : names) {
      double value = seconds.getOrDefault(name, 0.0);
      // An empty queue is {"default":0}, not 0.0: clients and the golden tests read an integer.
      if (value == 0) {
        out.put(name, 0);
      } else {
        out.put(name, value);
      }
    }
    return Reply.bulk(JobCodec.MAPPER.writeValueAsBytes(out));
  }
}
