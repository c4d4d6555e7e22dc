package dev.fabrik.server.command;

import dev.fabrik.protocol.Reply;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.manager.Manager;
import dev.fabrik.server.manager.MutateRequest;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code MUTATE
 * {"cmd":"kill","target":"retries","filter":{"jobtype":"X","regexp":"*a*","jids":[]}}} → {@code
 * +OK} even when nothing matched. Faktory splits the line on spaces and wants exactly two parts, so
 * a pattern with a space fails there with {@code -ERR invalid format}; we parse everything after
 * the first space, which no client can tell apart except by it working. Decoder errors are {@code
 * -ERR <detail>} with no prefix; the manager refuses bad {@code cmd}/{@code target}.
 */
final class Mutate implements CommandHandler {
  private final Manager manager;

  Mutate(Manager manager) {
    this.manager = manager;
  }

  @Override
  public Reply handle(String argument, Session session) {
    if (argument == null || argument.isBlank()) {
      throw CommandException.err("invalid format");
    }
    MutateRequest request;
    try {
      request = decode(argument);
    } catch (JacksonException e) {
      throw CommandException.err(e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw CommandException.err(e.getMessage());
    }
    manager.sets().mutate(request);
    return Reply.OK;
  }

  private static MutateRequest decode(String text) {
    JsonNode tree = Arguments.json(text);
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException("mutation must be a JSON object");
    }
    JsonNode filter = tree.get("filter");
    MutateRequest.Filter parsed = null;
    if (filter != null && !filter.isNull()) {
      if (!filter.isObject()) {
        throw new IllegalArgumentException("filter must be an object");
      }
      parsed =
          new MutateRequest.Filter(
              jids(filter.get("jids")),
              Arguments.string(filter, "regexp"),
              Arguments.string(filter, "jobtype"));
    }
    return new MutateRequest(
        Arguments.string(tree, "cmd"), Arguments.string(tree, "target"), parsed);
  }

  private static List<String> jids(JsonNode v) {
    List<String> jids = new ArrayList<>();
    if (v == null || v.isNull()) {
      return jids;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException("filter.jids must be an array of strings");
    }
    for (JsonNode jid : v) {
      if (!jid.isString()) {
        throw new IllegalArgumentException("filter.jids must be an array of strings");
      }
      jids.add(jid.stringValue());
    }
    return jids;
  }
}
