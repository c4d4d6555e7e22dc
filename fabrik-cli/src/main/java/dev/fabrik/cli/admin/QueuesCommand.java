package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.QueueInfo;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fabrik queues [pause|resume|remove NAME...]}: list queues (size, latency, paused), or
 * change some. Every name is checked first, so a typo changes nothing.
 */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    description = "List queues, or pause, resume or remove some.",
    subcommands = {
      QueuesCommand.Pause.class,
      QueuesCommand.Resume.class,
      QueuesCommand.Remove.class
    })
public final class QueuesCommand extends AdminCommand {
  @Override
  int run(FabrikAdmin client) {
    if (json()) {
      printJson(client.getJson("api/queues"));
      return ExitCodes.OK;
    }
    List<QueueInfo> queues = client.queues();
    if (queues.isEmpty()) {
      out().println("no queues");
    } else {
      Table t = new Table("QUEUE", "SIZE", "LATENCY", "PAUSED");
      for (QueueInfo q : queues) {
        t.row(q.name(), q.size(), Durations.seconds(q.latencySeconds()), q.paused() ? "yes" : "no");
      }
      out().print(t);
    }
    out().flush();
    return ExitCodes.OK;
  }

  /** pause, resume and remove differ in the call and the words. */
  abstract static class Change extends AdminCommand {
    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Queue names.")
    List<String> names;

    abstract void apply(FabrikAdmin client, String queue);

    abstract String done();

    /** Asks before acting; true to go on. */
    boolean confirmed(List<QueueInfo> queues) {
      return true;
    }

    @Override
    int run(FabrikAdmin client) {
      List<QueueInfo> known = client.queues();
      List<String> unknown =
          names.stream().filter(n -> known.stream().noneMatch(q -> q.name().equals(n))).toList();
      if (!unknown.isEmpty()) {
        return fail(
            ExitCodes.NOT_FOUND,
            "unknown queue"
                + (unknown.size() == 1 ? " " : "s ")
                + String.join(", ", unknown)
                + "; nothing changed (fabrik queues lists them)");
      }
      List<QueueInfo> chosen =
          known.stream().filter(q -> names.contains(q.name())).distinct().toList();
      if (!confirmed(chosen)) {
        return fail(ExitCodes.FAILED, "not confirmed; nothing changed");
      }
      for (QueueInfo q : chosen) {
        apply(client, q.name());
        if (!json()) {
          out().println(q.name() + " " + done());
        }
      }
      if (json()) {
        printJson(client.getJson("api/queues"));
      }
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop FETCH from taking jobs of these queues (pushes still land).")
  public static final class Pause extends Change {
    @Override
    void apply(FabrikAdmin client, String queue) {
      client.pause(queue);
    }

    @Override
    String done() {
      return "paused";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Undo pause.")
  public static final class Resume extends Change {
    @Override
    void apply(FabrikAdmin client, String queue) {
      client.resume(queue);
    }

    @Override
    String done() {
      return "resumed";
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Delete every job of these queues and forget them (asks first).")
  public static final class Remove extends Change {
    @Option(names = "--yes", description = "Do not ask for confirmation (scripts).")
    boolean yes;

    @Override
    boolean confirmed(List<QueueInfo> queues) {
      long jobs = queues.stream().mapToLong(QueueInfo::size).sum();
      return yes
          || Confirm.ask(
              spec,
              "Remove "
                  + queues.size()
                  + (queues.size() == 1 ? " queue" : " queues")
                  + " holding "
                  + jobs
                  + (jobs == 1 ? " job" : " jobs")
                  + "?");
    }

    @Override
    void apply(FabrikAdmin client, String queue) {
      client.remove(queue);
    }

    @Override
    String done() {
      return "removed";
    }
  }
}
