package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.Manager;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code ACK {"jid":"..."}} → {@code +OK}, also for a jid that holds no reservation (already acked
 * or reaped). The argument must be an object whose values are all strings and that has a jid, as
 * the reference's {@code map[string]string} decode demands; else {@code -ERR invalid ACK <arg>}.
 */
final class Ack implements NonBlockingHandler {
  private final Manager manager;

  Ack(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) {
    manager.ack(jid(argument));
    return Reply.OK;
  }

  @Override
  public CompletionStage<Reply> start(String argument, Session session) {
    return manager.ackAsync(jid(argument)).thenApply(acked -> Reply.OK);
  }

  private static String jid(String argument) {
    String text = Arguments.required(argument);
    String jid = parseJid(text);
    if (jid == null) {
      throw CommandException.err("invalid ACK " + CommandException.excerpt(text));
    }
    return jid;
  }

  private static String parseJid(String text) {
    JsonNode tree;
    try {
      tree = Arguments.json(text);
    } catch (JacksonException e) {
      return null;
    }
    if (tree == null || !tree.isObject()) {
      return null;
    }
    for (Map.Entry<String, JsonNode> field : tree.properties()) {
      if (!field.getValue().isString() && !field.getValue().isNull()) {
        return null;
      }
    }
    JsonNode jid = tree.get("jid");
    if (jid == null) {
      return null;
    }
    return jid.isNull() ? "" : jid.stringValue();
  }
}
