package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.EventListener;
import dev.fabrik.client.admin.EventSubscription;
import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.JobEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fabrik events --follow [--queue Q] [--jobtype T] [--json]}: prints the live job events of
 * the node at --url until interrupted, one line each ({@code --json}: the event's JSON).
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = "Follow the live job events (pushed, fetched, acked, failed, retried, died...).")
public final class EventsCommand extends AdminCommand {
  @Option(
      names = {"--follow", "-f"},
      description = "Follow the stream (required: the server keeps no event history).")
  boolean follow;

  @Option(names = "--queue", paramLabel = "QUEUE", description = "Only jobs of this queue.")
  String queue;

  @Option(names = "--jobtype", paramLabel = "TYPE", description = "Only jobs of this type.")
  String jobtype;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop after N events (default: follow until interrupted).")
  long count;

  @Override
  int run(FabrikAdmin client) throws Exception {
    if (!follow) {
      return fail(
          ExitCodes.USAGE, "give --follow: the server streams live events and keeps no history");
    }
    CompletableFuture<String> ended = new CompletableFuture<>();
    AtomicLong seen = new AtomicLong();
    EventListener printer =
        new EventListener() {
          @Override
          public void onEvent(JobEvent e) {
            synchronized (EventsCommand.this) {
              out().println(json() ? e.json() : line(e));
              out().flush();
            }
            if (count > 0 && seen.incrementAndGet() >= count) {
              ended.complete(null);
            }
          }

          @Override
          public void onClosed(String reason) {
            ended.complete(reason);
          }
        };
    try (EventSubscription s = client.events(queue, jobtype, printer)) {
      if (!json()) {
        err().println("following events at " + client.url() + " (Ctrl-C to stop)");
        err().flush();
      }
      String reason = ended.get();
      if (reason != null && (count == 0 || seen.get() < count)) {
        return fail(ExitCodes.FAILED, reason);
      }
    }
    return ExitCodes.OK;
  }

  static String line(JobEvent e) {
    StringBuilder s = new StringBuilder();
    s.append(e.at()).append("  ").append(String.format("%-8s", e.type())).append("  ");
    s.append(e.jobtype()).append("  ").append(e.queue()).append("  ").append(e.jid());
    if (e.wid() != null) {
      s.append("  wid=").append(e.wid());
    }
    if (e.until() != null) {
      s.append(e.type().equals("died") ? "  expires=" : "  at=").append(e.until());
    }
    return s.toString();
  }
}
