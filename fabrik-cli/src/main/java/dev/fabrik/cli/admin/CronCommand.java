package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.CronEntry;
import dev.fabrik.client.admin.FabrikAdmin;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code fabrik cron}: the cron entries, with their next run. */
@Command(
    name = "cron",
    mixinStandardHelpOptions = true,
    description = "List cron entries (conf.d and API ones) and when they run next.")
public final class CronCommand extends AdminCommand {
  @Override
  int run(FabrikAdmin client) {
    if (json()) {
      printJson(client.getJson("api/cron"));
      return ExitCodes.OK;
    }
    List<CronEntry> entries = client.cron();
    if (entries.isEmpty()) {
      out().println("no cron entries");
    } else {
      Table t = new Table("ID", "NAME", "SCHEDULE", "JOBTYPE", "SOURCE", "PAUSED", "NEXT");
      for (CronEntry e : entries) {
        t.row(
            e.id(),
            e.name(),
            e.schedule(),
            e.jobtype(),
            e.source(),
            e.paused() ? "yes" : "no",
            e.next().isEmpty() ? null : e.next().getFirst());
      }
      out().print(t);
    }
    out().flush();
    return ExitCodes.OK;
  }
}
