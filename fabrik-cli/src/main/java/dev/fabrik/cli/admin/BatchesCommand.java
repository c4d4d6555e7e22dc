package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.FabrikAdmin;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code fabrik batches [BID]}: the newest batches with their progress, or one batch with the jids
 * of its pending and failed jobs (GET /api/batches, /api/batches/{bid}; docs/batches.md). An
 * unknown bid exits with {@link ExitCodes#NOT_FOUND}.
 */
@Command(
    name = "batches",
    mixinStandardHelpOptions = true,
    description = "List batches (newest first) with their progress, or show one batch.")
public final class BatchesCommand extends AdminCommand {
  @Parameters(arity = "0..1", paramLabel = "BID", description = "Show this batch only.")
  String bid;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "How many batches to list (1-1000, default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  int run(FabrikAdmin client) {
    if (bid == null && (limit < 1 || limit > 1000)) {
      throw new IllegalArgumentException("--limit must be from 1 to 1000, got " + limit);
    }
    JsonNode body =
        client.getJson(
            bid == null
                ? "api/batches?limit=" + limit
                : "api/batches/" + URLEncoder.encode(bid, StandardCharsets.UTF_8));
    if (json()) {
      printJson(body);
    } else if (bid == null) {
      list(body.path("batches"));
    } else {
      one(body);
    }
    out().flush();
    return ExitCodes.OK;
  }

  private void list(JsonNode batches) {
    if (batches.isEmpty()) {
      out().println("no batches");
      return;
    }
    Table t =
        new Table(
            "BID", "DESCRIPTION", "STATE", "TOTAL", "PENDING", "FAILED", "COMPLETE", "SUCCESS");
    for (JsonNode b : batches) {
      t.row(
          b.path("bid").asString(),
          b.path("description").asString(""),
          b.path("state").asString(),
          b.path("total").asString(),
          b.path("pending").asString(),
          b.path("failed").asString(),
          callback(b.path("complete_st").asString("")),
          callback(b.path("success_st").asString("")));
    }
    out().print(t);
  }

  private void one(JsonNode b) {
    out().println("bid:          " + b.path("bid").asString());
    if (b.has("parent_bid")) {
      out().println("parent:       " + b.path("parent_bid").asString());
    }
    if (b.has("description")) {
      out().println("description:  " + b.path("description").asString());
    }
    out().println("state:        " + b.path("state").asString());
    out().println("created:      " + b.path("created_at").asString());
    out()
        .printf(
            "jobs:         %s total, %s pending, %s failed%n",
            b.path("total").asString(), b.path("pending").asString(), b.path("failed").asString());
    out().println("complete:     " + callback(b.path("complete_st").asString("")));
    out().println("success:      " + callback(b.path("success_st").asString("")));
    out().println("pending jids: " + String.join(" ", jids(b.path("pending_jids"))));
    out().println("failed jids:  " + String.join(" ", jids(b.path("failed_jids"))));
  }

  /** Enterprise's callback states ("" → "1" → "2") in words. */
  private static String callback(String state) {
    return switch (state) {
      case "1" -> "enqueued";
      case "2" -> "done";
      default -> "waiting";
    };
  }

  private static List<String> jids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(j -> out.add(j.asString()));
    return out;
  }
}
