package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.workers.WorkerLoad;
import dev.fabrik.server.workers.WorkerRegistry;
import dev.fabrik.server.workers.WorkerState;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code BEAT {"wid":"...","rss_kb":123456,"current_state":"quiet"}} → {@code +OK} while the worker
 * runs, else the bulk {@code {"state":"quiet"}} / {@code {"state":"terminate"}} on every beat (the
 * state is sticky). Optional Fabrik fields {@code "concurrency":20,"busy":3} (non-negative
 * integers; Fabrik's Java worker sends them) say how busy the process is, for the Busy page. {@code
 * -ERR unknown worker <wid>} (lowercase, as since Faktory 1.6.1) for a wid that never said HELLO or
 * expired; {@code -ERR invalid BEAT <arg>} when it does not decode.
 */
final class Beat implements CommandHandler {
  private final WorkerRegistry workers;

  Beat(WorkerRegistry workers) {
    this.workers = workers;
  }

  @Override
  public Reply handle(String argument, Session session) {
    String text = Arguments.required(argument);
    String wid;
    long rssKb;
    WorkerLoad load;
    WorkerState reported;
    try {
      JsonNode tree = Arguments.json(text);
      if (tree == null || !tree.isObject()) {
        throw new IllegalArgumentException("not an object");
      }
      wid = Arguments.string(tree, "wid");
      rssKb = rssKb(tree.get("rss_kb"));
      load = new WorkerLoad(count(tree, "concurrency"), count(tree, "busy"));
      reported = reported(Arguments.string(tree, "current_state"));
    } catch (JacksonException | IllegalArgumentException e) {
      throw CommandException.err("invalid BEAT " + CommandException.excerpt(text));
    }
    Optional<WorkerState> state = workers.beat(wid, rssKb, load, reported);
    if (state.isEmpty()) {
      throw CommandException.err("unknown worker " + CommandException.excerpt(wid));
    }
    if (state.get() == WorkerState.RUNNING) {
      return Reply.OK;
    }
    return Reply.bulk("{\"state\":\"" + state.get().wireName() + "\"}");
  }

  private static long rssKb(JsonNode v) {
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("rss_kb must be an integer");
    }
    return v.longValue();
  }

  /** An optional non-negative count; -1 when absent or null. */
  private static int count(JsonNode tree, String field) {
    JsonNode v = tree.get(field);
    if (v == null || v.isNull()) {
      return -1;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw new IllegalArgumentException(field + " must be a non-negative integer");
    }
    return v.intValue();
  }

  /** Anything but quiet/terminate counts as running, which cannot undo a later state. */
  private static WorkerState reported(String currentState) {
    return switch (currentState) {
      case "quiet" -> WorkerState.QUIET;
      case "terminate" -> WorkerState.TERMINATE;
      default -> WorkerState.RUNNING;
    };
  }
}
