package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.SetEntry;
import dev.fabrik.client.admin.SetName;
import dev.fabrik.client.admin.SetPage;
import dev.fabrik.protocol.JobCodec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code fabrik jobs retries|scheduled|dead [--type T] [-q TEXT] [--order desc] [--limit N]}. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List the retries, scheduled or dead jobs, filtered as in the web UI.")
public final class JobsCommand extends AdminCommand {
  @Parameters(paramLabel = "SET", description = "retries, scheduled or dead.")
  SetName set;

  @Mixin SetOptions filter;

  @Option(
      names = "--order",
      paramLabel = "asc|desc",
      defaultValue = "asc",
      description = "asc: soonest first (default); desc: latest first.")
  String order;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "25",
      description = "Show at most N entries (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  int run(FabrikAdmin client) {
    if (!order.equals("asc") && !order.equals("desc")) {
      return fail(ExitCodes.USAGE, "--order must be asc or desc, not \"" + order + "\"");
    }
    if (limit < 1) {
      return fail(ExitCodes.USAGE, "--limit must be at least 1");
    }
    if (json()) {
      printJson(rawEntries(client));
      return ExitCodes.OK;
    }
    SetPage first = client.setPage(set, filter.filter(order.equals("desc")), null, 1);
    List<SetEntry> entries = client.entries(set, filter.filter(order.equals("desc")), limit);
    if (entries.isEmpty()) {
      out().println("no " + set.wireName() + " jobs" + filter.describe());
    } else {
      Table t = new Table(whenHeader(), "JID", "JOBTYPE", "QUEUE", "RETRIES", "ERROR", "KEY");
      for (SetEntry e : entries) {
        t.row(
            e.score(),
            e.job().jid(),
            e.job().jobtype(),
            e.job().queue(),
            e.job().retryCount() < 0 ? "-" : e.job().retryCount(),
            error(e),
            e.key());
      }
      out().print(t);
      out()
          .println(
              entries.size()
                  + " shown"
                  + filter.describe()
                  + "; "
                  + first.size()
                  + " in "
                  + set.wireName()
                  + (entries.size() == limit ? " (--limit shows more)" : ""));
    }
    out().flush();
    return ExitCodes.OK;
  }

  private String whenHeader() {
    return set == SetName.DEAD ? "EXPIRES" : "RUNS AT";
  }

  private static String error(SetEntry e) {
    if (e.job().errorType() == null && e.job().errorMessage() == null) {
      return "-";
    }
    String m = e.job().errorType() + ": " + e.job().errorMessage();
    return m.length() > 60 ? m.substring(0, 57) + "..." : m;
  }

  /** The pages' entries as the API sends them, up to the limit, in one document. */
  private JsonNode rawEntries(FabrikAdmin client) {
    ObjectNode out = JobCodec.MAPPER.createObjectNode();
    ArrayNode all = JobCodec.MAPPER.createArrayNode();
    String cursor = null;
    JsonNode page;
    do {
      StringBuilder q = new StringBuilder("api/sets/").append(set.wireName());
      q.append("?order=").append(order).append("&limit=").append(Math.min(500, limit - all.size()));
      add(q, "type", filter.type);
      add(q, "q", filter.search);
      add(q, "cursor", cursor);
      page = client.getJson(q.toString());
      for (JsonNode e : page.path("entries")) {
        if (all.size() < limit) {
          all.add(e);
        }
      }
      cursor = page.path("next").isString() ? page.get("next").stringValue() : null;
      if (out.isEmpty()) {
        out.set("set", page.get("set"));
        out.set("size", page.get("size"));
        out.set("filter", page.get("filter"));
      }
    } while (cursor != null && all.size() < limit);
    out.set("entries", all);
    out.put("next", cursor);
    return out;
  }

  private static void add(StringBuilder q, String name, String value) {
    if (value != null && !value.isEmpty()) {
      q.append('&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
