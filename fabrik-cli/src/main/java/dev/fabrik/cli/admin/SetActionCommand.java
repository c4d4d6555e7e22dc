package dev.fabrik.cli.admin;

import dev.fabrik.client.admin.BulkAction;
import dev.fabrik.client.admin.BulkTask;
import dev.fabrik.client.admin.FabrikAdmin;
import dev.fabrik.client.admin.SetName;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fabrik retry|kill|delete <set> [--type T] [-q TEXT] [--key K...] [--yes]}: counts the
 * matches, asks, then runs the action as a server-side task, drawing its progress while it polls.
 * With {@code --key} it acts on those entries only (keys as {@code fabrik jobs} lists them).
 */
public abstract class SetActionCommand extends AdminCommand {
  private static final Duration POLL = Duration.ofMillis(200);

  @Parameters(paramLabel = "SET", description = "retries, scheduled or dead.")
  SetName set;

  @Mixin SetOptions filter;

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description = "Only the entry with this key (repeatable); ignores the filter.")
  List<String> keys;

  @Option(names = "--yes", description = "Do not ask for confirmation (scripts).")
  boolean yes;

  private final BulkAction action;
  private final String verb;
  private final String done;

  SetActionCommand(BulkAction action, String verb, String done) {
    this.action = action;
    this.verb = verb;
    this.done = done;
  }

  @Override
  int run(FabrikAdmin client) {
    if (keys != null && !keys.isEmpty()) {
      return selected(client);
    }
    long count = count(client);
    String what = set.wireName() + " jobs" + filter.describe();
    if (count == 0) {
      return finish(client, null, "no " + what + "; nothing to do");
    }
    if (!yes && !Confirm.ask(spec, verb + " " + count + " " + what + "?")) {
      return fail(ExitCodes.FAILED, "not confirmed; nothing changed");
    }
    BulkTask task = runTask(client, action, count);
    if (!task.succeeded()) {
      return fail(
          ExitCodes.FAILED,
          "task "
              + task.id()
              + " "
              + task.state()
              + " after "
              + task.changed()
              + " changes"
              + (task.error() == null ? "" : ": " + task.error()));
    }
    return finish(client, task, done + " " + task.changed() + " " + what);
  }

  private int selected(FabrikAdmin client) {
    String what = keys.size() + " selected " + set.wireName() + " jobs";
    if (!yes && !Confirm.ask(spec, verb + " " + what + "?")) {
      return fail(ExitCodes.FAILED, "not confirmed; nothing changed");
    }
    int changed = client.act(set, action, keys);
    if (json()) {
      out().println("{\"action\":\"" + action.wireName() + "\",\"changed\":" + changed + "}");
      out().flush();
      return ExitCodes.OK;
    }
    return finish(client, null, done + " " + changed + " of " + what);
  }

  /** The matches: the set's size when unfiltered, else a count task's result. */
  private long count(FabrikAdmin client) {
    var f = filter.filter(false);
    if (!f.filtered()) {
      return client.overview().sets().getOrDefault(set.wireName(), 0L);
    }
    BulkTask counted = runTask(client, BulkAction.COUNT, null);
    if (!counted.succeeded()) {
      throw new IllegalStateException("counting failed: " + counted.error());
    }
    return counted.changed();
  }

  private BulkTask runTask(FabrikAdmin client, BulkAction what, Long expected) {
    ProgressBar bar =
        new ProgressBar(
            err(), ProgressBar.onTerminal(), what == BulkAction.COUNT ? "counting" : verb);
    BulkTask started = client.startTask(set, what, filter.filter(false));
    BulkTask end =
        client.awaitTask(
            started, POLL, t -> bar.update(t.done(), t.total() != null ? t.total() : expected));
    bar.finish();
    return end;
  }

  private int finish(FabrikAdmin client, BulkTask task, String message) {
    if (json()) {
      if (task == null) {
        out().println("{\"action\":\"" + action.wireName() + "\",\"changed\":0}");
      } else {
        printJson(client.getJson("api/tasks/" + task.id()));
      }
    } else {
      out().println(message);
    }
    out().flush();
    return ExitCodes.OK;
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Put matching retries/scheduled/dead jobs back on their queues now.")
  public static final class Retry extends SetActionCommand {
    Retry() {
      super(BulkAction.RETRY, "Retry", "retried");
    }
  }

  @Command(
      name = "kill",
      mixinStandardHelpOptions = true,
      description = "Move matching retries/scheduled jobs to the dead set.")
  public static final class Kill extends SetActionCommand {
    Kill() {
      super(BulkAction.KILL, "Kill", "killed");
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete matching retries/scheduled/dead jobs for good.")
  public static final class Delete extends SetActionCommand {
    Delete() {
      super(BulkAction.DELETE, "Delete", "deleted");
    }
  }
}
