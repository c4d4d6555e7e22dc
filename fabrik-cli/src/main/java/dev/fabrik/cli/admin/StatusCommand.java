package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.Overview;
import dev.fabrik.client.admin.QueueInfo;
import picocli.CommandLine.Command;

/** {@code fabrik status}: the dashboard's figures. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the server's totals, set sizes and queues (the dashboard's figures).")
public final class StatusCommand extends AdminCommand {
  @Override
  int run(FabrikAdmin client) {
    if (json()) {
      printJson(client.getJson("api/overview"));
      return ExitCodes.OK;
    }
    Overview o = client.overview();
    StringBuilder s = new StringBuilder();
    s.append("Fabrik ").append(o.fabrikVersion()).append(" at ").append(client.url());
    s.append(", up ").append(Durations.compact(o.uptimeSeconds())).append('\n');
    s.append(
        String.format(
            "processed %d  failed %d  enqueued %d  connections %d  workers %d%n",
            o.processed(), o.failed(), o.enqueued(), o.connections(), o.workers()));
    s.append(
        String.format(
            "working %d  retries %d  scheduled %d  dead %d%n",
            o.sets().getOrDefault("working", 0L),
            o.sets().getOrDefault("retries", 0L),
            o.sets().getOrDefault("scheduled", 0L),
            o.sets().getOrDefault("dead", 0L)));
    if (o.queues().isEmpty()) {
      s.append("no queues\n");
    } else {
      Table t = new Table("QUEUE", "SIZE", "LATENCY", "PAUSED");
      for (QueueInfo q : o.queues()) {
        t.row(q.name(), q.size(), Durations.seconds(q.latencySeconds()), q.paused() ? "yes" : "no");
      }
      s.append(t);
    }
    out().print(s);
    out().flush();
    return ExitCodes.OK;
  }
}
