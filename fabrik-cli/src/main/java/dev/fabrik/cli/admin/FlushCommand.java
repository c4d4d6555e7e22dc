package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.FabrikAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fabrik flush [--yes]}: the protocol's FLUSH, after a question. */
@Command(
    name = "flush",
    mixinStandardHelpOptions = true,
    description = "Delete every job, queue, set entry and counter on the server (asks first).")
public final class FlushCommand extends AdminCommand {
  @Option(names = "--yes", description = "Do not ask for confirmation (scripts).")
  boolean yes;

  @Override
  int run(FabrikAdmin client) {
    if (!yes) {
      var o = client.overview();
      long jobs =
          o.queues().stream().mapToLong(q -> q.size()).sum()
              + o.sets().values().stream().mapToLong(Long::longValue).sum();
      if (!Confirm.ask(
          spec,
          "Flush " + client.url() + ": delete all " + jobs + " jobs and reset the counters?")) {
        return fail(ExitCodes.FAILED, "not confirmed; nothing changed");
      }
    }
    client.flush();
    if (json()) {
      out().println("{\"flushed\":true}");
    } else {
      out().println("flushed " + client.url());
    }
    out().flush();
    return ExitCodes.OK;
  }
}
