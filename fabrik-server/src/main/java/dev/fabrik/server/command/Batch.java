package dev.fabrik.server.command;

import dev.fabrik.protocol.JobCodec;
import dev.fabrik.protocol.Reply;
import dev.fabrik.protocol.Timestamps;
import dev.fabrik.server.CommandException;
import dev.fabrik.server.batch.BatchRecord;
import dev.fabrik.server.batch.BatchRequest;
import dev.fabrik.server.batch.Batches;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Faktory Enterprise batches (spec §8.3, docs/batches.md):
 *
 * <pre>
 * BATCH NEW {"description":"d","parent_bid":"b-..","success":{job},"complete":{job}}
 *                        → +b-Xh3kP0qZr1x0Ab     (a callback is required; both may be given)
 * BATCH OPEN b-Xh3k...   → +b-Xh3k...            (jobs may join again until COMMIT)
 * BATCH COMMIT b-Xh3k... → +OK                   (-ERR when unknown or already committed)
 * BATCH STATUS b-Xh3k... → $.. {"bid":"b-..","created_at":"..","total":2,"pending":0,
 *                               "failed":0,"complete_st":"1","success_st":""}
 * </pre>
 *
 * Jobs join with {@code "custom":{"bid":"b-..."}} on PUSH/PUSHB.
 */
final class Batch implements CommandHandler {
  private final Batches batches;

  Batch(Batches batches) {
    this.batches = batches;
  }

  @Override
  public Reply handle(String argument, Session session) {
    String text = Arguments.required(argument).strip();
    int space = text.indexOf(' ');
    String sub = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
    String rest = space < 0 ? "" : text.substring(space + 1).strip();
    return switch (sub) {
      case "NEW" -> new Reply.Simple(batches.create(request(rest)));
      case "OPEN" -> new Reply.Simple(batches.open(bid(sub, rest)));
      case "COMMIT" -> {
        batches.commit(bid(sub, rest));
        yield Reply.OK;
      }
      case "STATUS" -> Reply.bulk(json(batches.status(bid(sub, rest))));
      default ->
          throw CommandException.err("no such BATCH subcommand: " + CommandException.excerpt(sub));
    };
  }

  private static String bid(String sub, String rest) {
    if (rest.isEmpty() || rest.contains(" ")) {
      throw CommandException.err("BATCH " + sub + " needs one bid");
    }
    return rest;
  }

  private static BatchRequest request(String text) {
    JsonNode o;
    try {
      o = text.isEmpty() ? null : Arguments.json(text);
    } catch (JacksonException e) {
      throw CommandException.err("invalid BATCH NEW " + CommandException.excerpt(text));
    }
    if (o == null || !o.isObject()) {
      throw CommandException.err("invalid BATCH NEW " + CommandException.excerpt(text));
    }
    return new BatchRequest(
        string(o, "description"), string(o, "parent_bid"), job(o, "success"), job(o, "complete"));
  }

  private static String string(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull() || (v.isString() && v.stringValue().isEmpty())) {
      return null;
    }
    if (!v.isString()) {
      throw CommandException.err(name + " must be a string");
    }
    return v.stringValue();
  }

  private static ObjectNode job(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!(v instanceof ObjectNode job)) {
      throw CommandException.err("the " + name + " callback must be a job object");
    }
    return job;
  }

  private static String json(BatchRecord b) {
    ObjectNode o = JobCodec.MAPPER.createObjectNode();
    o.put("bid", b.bid());
    if (b.parentBid() != null) {
      o.put("parent_bid", b.parentBid());
    }
    if (b.description() != null) {
      o.put("description", b.description());
    }
    o.put("created_at", Timestamps.format(b.createdAt()));
    o.put("total", b.total());
    o.put("pending", b.pending());
    o.put("failed", b.failed());
    o.put("complete_st", b.completeSt());
    o.put("success_st", b.successSt());
    return JobCodec.MAPPER.writeValueAsString(o);
  }
}
