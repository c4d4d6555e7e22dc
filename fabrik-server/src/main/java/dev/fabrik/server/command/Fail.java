package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.FailureReport;
import dev.fabrik.server.manager.Manager;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code FAIL {"jid":"...","errtype":"RuntimeError","message":"boom","backtrace":["a.rb:1"]}} →
 * {@code +OK}; {@code -ERR invalid FAIL <arg>} when it does not decode (a string backtrace); {@code
 * -ERR Job not found <jid>} from the manager when the jid holds no reservation. The manager trims,
 * defaults and truncates the fields.
 *
 * <p>A snooze rather than a failure: {@code FAIL {"jid":"...","message":"snooze 30"}} (message
 * form) or {@code FAIL {"jid":"...","snooze":30}} (seconds) → {@code +OK}; a {@code snooze} that is
 * not a number → {@code -ERR snooze must be a number of seconds}. The manager decides the rest
 * ({@code Snoozes}).
 */
final class Fail implements CommandHandler {
  private final Manager manager;

  Fail(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) {
    String text = Arguments.required(argument);
    FailureReport report;
    try {
      report = decode(text);
    } catch (JacksonException | IllegalArgumentException e) {
      throw CommandException.err("invalid FAIL " + CommandException.excerpt(text));
    }
    manager.fail(report);
    return Reply.OK;
  }

  private static FailureReport decode(String text) {
    JsonNode tree = Arguments.json(text);
    if (tree == null || tree.isNull()) {
      return new FailureReport("", "", "", List.of());
    }
    if (!tree.isObject()) {
      throw new IllegalArgumentException("not an object");
    }
    List<String> backtrace = new ArrayList<>();
    JsonNode bt = tree.get("backtrace");
    if (bt != null && !bt.isNull()) {
      if (!bt.isArray()) {
        throw new IllegalArgumentException("backtrace must be an array");
      }
      for (JsonNode line : bt) {
        if (!line.isString()) {
          throw new IllegalArgumentException("backtrace lines must be strings");
        }
        backtrace.add(line.stringValue());
      }
    }
    JsonNode snooze = tree.get("snooze");
    Double snoozeSeconds = null;
    if (snooze != null && !snooze.isNull()) {
      if (!snooze.isNumber()) {
        throw CommandException.err("snooze must be a number of seconds");
      }
      snoozeSeconds = snooze.doubleValue();
    }
    return new FailureReport(
        Arguments.string(tree, "jid"),
        Arguments.string(tree, "errtype"),
        Arguments.string(tree, "message"),
        backtrace,
        snoozeSeconds);
  }
}
